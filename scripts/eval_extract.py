"""Score entity, date and source extraction against the hand-annotated gold set (``make eval-extract``).

Usage: ``python scripts/eval_extract.py [GOLD.jsonl ...] [--errors]``. Without arguments both development
sets of ``$HUIXUN_SHARED/eval/`` (``HUIXUN_SHARED`` defaults to the ``shared`` folder beside the
repository) are scored side by side, each beside its baseline: ``gold_dev.jsonl`` (texts from
``corpus/fixtures_zh.jsonl`` and ``corpus/posts/``) and ``gold_dev2.jsonl`` (texts in
``eval/docs_dev2.jsonl``). Use one set to develop and the other to check: a change that helps one and hurts
the other fits documents. Each document's text is built as the guidelines (§0) say: ``title + "\\n" +
body``; for ``seed-000`` (the plain-text post) the whole file, after removing pinyin residue. The
reference date is the metadata date, else the date the url carries (as the indexer does).
``--errors`` also prints each document's wrong and missed values.

Comparison (guidelines §1): names are compared after removing whitespace and the marks “”‘’「」『』《》,
in Simplified, case-insensitively. Our entities are *canonical* names (aliases merged through the
lexicon) while the gold lists every surface form, so a predicted entity counts as correct when any form
of it — the canonical name, an alias of its lexicon entry, or a surface form it had in this document —
is a gold form, and a gold form counts as found when it is one of the forms of a predicted entity.
Precision is over predicted entities, recall over gold forms. Places that ``extract_entities`` adds
for the facets only (``Mention.implied``: 嘉兴 in 中共嘉兴市委) are not scored, as the guidelines (§2)
do not count them.

The baseline is plain ``jieba.posseg`` (HMM on) over the same text: ``nr*`` → people, ``nt*`` → orgs,
``ns*`` → places, distinct, Simplified.

Writes the Markdown table to ``bench/results/eval_extract.md`` and prints it.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.dates import extract_dates, reference_date  # noqa: E402
from indexer.entities import entity_forms, find_mentions  # noqa: E402
from indexer.sources import extract_source  # noqa: E402
from search.normalize import to_simplified  # noqa: E402

KINDS = ("people", "orgs", "places")
_STRIP_RE = re.compile(r"[\s“”‘’「」『』《》]")
# Pinyin left by flattened <ruby> markup (學(xué) → 學), used when indexer.clean is not available.
_PINYIN_RE = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňḿ]{1,8}[)）]")


def shared_dir() -> Path:
    env = os.environ.get("HUIXUN_SHARED")
    return Path(env) if env else REPO / ".." / "shared"


def clean(text: str) -> str:
    """The ingest cleaner when present, else a minimal pinyin-residue strip."""
    try:
        from indexer.clean import clean_text
    except ImportError:
        return _PINYIN_RE.sub("", text)
    return clean_text(text).text


def key(name: str) -> str:
    return _STRIP_RE.sub("", to_simplified(name)).lower()


@dataclass
class Counts:
    tp_pred: int = 0
    pred: int = 0
    tp_gold: int = 0
    gold: int = 0

    def add(self, predicted: list[set[str]], gold: list[str]) -> None:
        gold_keys = {key(g) for g in gold}
        pred_keys = [{key(f) for f in forms} for forms in predicted]
        found = set().union(*pred_keys) if pred_keys else set()
        self.pred += len(pred_keys)
        self.tp_pred += sum(1 for forms in pred_keys if forms & gold_keys)
        self.gold += len(gold_keys)
        self.tp_gold += len(gold_keys & found)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp_pred / self.pred if self.pred else 1.0
        r = self.tp_gold / self.gold if self.gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


@dataclass
class Scores:
    entities: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    date_ok: int = 0
    dates_ok: int = 0
    source_ok: int = 0
    docs: int = 0
    errors: list[str] = field(default_factory=list)


def load_docs(gold_path: Path) -> dict[str, dict[str, str | None]]:
    """The texts a gold file annotates: ``docs_<name>.jsonl`` beside ``gold_<name>.jsonl`` when it exists,
    else the fixtures and the sample post of the shared corpus (``gold_dev.jsonl``)."""
    docs: dict[str, dict[str, str | None]] = {}
    beside = gold_path.with_name(gold_path.name.replace("gold_", "docs_", 1))
    if beside != gold_path and beside.exists():
        with open(beside, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                text = "\n".join(filter(None, [rec.get("title"), rec.get("body")]))
                docs[rec["id"]] = {"text": text, "date": rec.get("date"), "url": rec.get("url")}
        return docs
    shared = gold_path.parent.parent
    with open(shared / "corpus" / "fixtures_zh.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = "\n".join(filter(None, [rec.get("title"), rec.get("body")]))
            docs[rec["id"]] = {"text": text, "date": rec.get("date"), "url": rec.get("url")}
    post = shared / "corpus" / "posts" / "000_99532756a9d00d77.txt"
    docs["seed-000"] = {"text": clean(post.read_text(encoding="utf-8")), "date": None, "url": None,
                        "origin": str(post)}
    return docs


def ours(text: str) -> dict[str, list[set[str]]]:
    """Predicted entities, each as the set of its forms: canonical, lexicon aliases, surfaces in ``text``."""
    forms: dict[str, dict[str, set[str]]] = {k: {} for k in KINDS}
    for m in find_mentions(text):
        if m.implied:  # facet-only places (guidelines §2 does not count them)
            continue
        kind = {"person": "people", "org": "orgs", "place": "places"}[m.kind]
        forms[kind].setdefault(m.canonical, entity_forms(m.canonical)).add(m.surface)
    by_kind = {k: list(v.values()) for k, v in forms.items()}
    return by_kind


def baseline(text: str) -> dict[str, list[set[str]]]:
    import jieba.posseg as posseg

    out: dict[str, dict[str, None]] = {k: {} for k in KINDS}
    for word, flag in posseg.cut(to_simplified(text)):
        kind = "people" if flag.startswith("nr") else "orgs" if flag.startswith("nt") else (
            "places" if flag.startswith("ns") else None)
        if kind:
            out[kind][word] = None
    return {k: [{w} for w in v] for k, v in out.items()}


Extractor = Callable[[str], dict[str, list[set[str]]]]


def score(gold_path: Path, extractor: Extractor, with_fields: bool, errors: bool = False) -> Scores:
    docs = load_docs(gold_path)
    scores = Scores()
    with open(gold_path, encoding="utf-8") as fh:
        for line in fh:
            gold = json.loads(line)
            doc = docs.get(gold["id"])
            if doc is None:
                scores.errors.append(f"{gold['id']}: no text")
                continue
            text = doc["text"] or ""
            scores.docs += 1
            predicted = extractor(text)
            for kind in KINDS:
                scores.entities[kind].add(predicted[kind], gold[kind])
            if errors:
                report_errors(gold, predicted)
            if with_fields:
                ref = reference_date(doc["date"], doc.get("url"), doc.get("origin"))
                info = extract_dates(text, ref)
                scores.date_ok += info.date == gold["date"]
                scores.dates_ok += sorted(info.dates) == sorted(gold["dates_in_text"])
                wrong_dates = sorted(info.dates) != sorted(gold["dates_in_text"])
                if errors and (info.date != gold["date"] or wrong_dates):
                    print(f"  {gold['id']} date {info.date} (gold {gold['date']}) dates {info.dates} "
                          f"(gold {gold['dates_in_text']}) ref {ref}")
                src = extract_source(text)
                want = gold["source"]
                scores.source_ok += (key(src) if src else None) == (key(want) if want else None)
    return scores


def report_errors(gold: dict[str, list[str]], predicted: dict[str, list[set[str]]]) -> None:
    """Print the predicted entities that match no gold form, and the gold forms nothing found."""
    for kind in KINDS:
        gold_keys = {key(g) for g in gold[kind]}
        wrong = [sorted(forms)[0] for forms in predicted[kind] if not {key(f) for f in forms} & gold_keys]
        found = {key(f) for forms in predicted[kind] for f in forms}
        missed = [g for g in gold[kind] if key(g) not in found]
        if wrong or missed:
            print(f"  {gold['id']} {kind}: wrong {wrong} missed {missed}")


ROWS = (
    *[(kind, label) for kind in KINDS for label in ("precision", "recall", "F1")],
    ("date", "date accuracy"), ("dates", "dates_in_text accuracy (set match)"), ("source", "source accuracy"),
)


def cells(s: Scores, base: Scores | None) -> dict[str, str]:
    """The figures of one set for each row key, ``huixun`` and baseline."""
    out: dict[str, str] = {}
    for kind in KINDS:
        p, r, f = s.entities[kind].prf()
        bp, br, bf = base.entities[kind].prf() if base else (0.0, 0.0, 0.0)
        out[f"{kind} precision"] = f"{p:.3f} | {bp:.3f}"
        out[f"{kind} recall"] = f"{r:.3f} | {br:.3f}"
        out[f"{kind} F1"] = f"**{f:.3f}** | {bf:.3f}"
    n = s.docs or 1
    out["date"] = f"**{s.date_ok / n:.3f}** | –"
    out["dates"] = f"{s.dates_ok / n:.3f} | –"
    out["source"] = f"**{s.source_ok / n:.3f}** | –"
    return out


def table(results: list[tuple[str, Scores, Scores]]) -> str:
    """One Markdown table: a row per measure, two columns (huixun, baseline) per gold set."""
    head = "| measure | " + " | ".join(f"{name} huixun | {name} jieba.posseg" for name, _, _ in results)
    rows = [head + " | bar |", "|---|" + "---:|---:|" * len(results) + "---:|"]
    by_set = [cells(s, b) for _, s, b in results]
    bars = {"F1": "≥ 0.85", "precision": "≥ 0.90 (aim)", "date": "≥ 0.95", "dates": "≥ 0.95",
            "source": "≥ 0.95"}
    for row_key, label in ROWS:
        name = f"{row_key} {label}" if row_key in KINDS else label
        cell_key = name if row_key in KINDS else row_key
        bar = bars.get(label.split()[-1] if row_key in KINDS else row_key, "")
        shown = f"**{name}**" if label in ("F1", "date accuracy", "source accuracy") else name
        rows.append(f"| {shown} | " + " | ".join(c[cell_key] for c in by_set) + f" | {bar} |")
    docs = ", ".join(f"{name}: {s.docs}" for name, s, _ in results)
    return "\n".join(rows) + f"\n\nGold documents: {docs}.\n"


def main(argv: list[str]) -> int:
    errors = "--errors" in argv
    paths = [Path(a) for a in argv[1:] if a != "--errors"]
    if not paths:
        paths = [shared_dir() / "eval" / "gold_dev.jsonl", shared_dir() / "eval" / "gold_dev2.jsonl"]
    results = []
    for gold_path in paths:
        if errors:
            print(f"== {gold_path.name}")
        ours_s = score(gold_path, ours, with_fields=True, errors=errors)
        base_s = score(gold_path, baseline, with_fields=False)
        results.append((gold_path.stem.removeprefix("gold_"), ours_s, base_s))
    names = ", ".join(f"`{p.name}`" for p in paths)
    text = f"# Extraction quality on {names}\n\n" + table(results)
    for _, s, _ in results:
        for err in s.errors:
            text += f"\n- {err}"
    out = REPO / "bench" / "results" / "eval_extract.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
