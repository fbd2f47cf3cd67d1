#!/usr/bin/env python3
"""Where the indexer's per-document CPU goes: the worker-side path, stage by stage, in ONE process.

Runs what an indexing worker does — :func:`indexer.writer.prepare` for each document (cleaning,
date / source / entity extraction, jieba, term positions), :meth:`indexer.segments.SegmentBuilder.add`,
and at the end ``SegmentBuilder.finish`` with the segment's substring-index texts — plus reading the
JSON lines (which the parent does), on the first ``--docs`` documents of ``corpus/bench_all.jsonl.gz``
of the shared folder (``../shared`` beside the repository, or ``$HUIXUN_SHARED``).

Two modes:

* default: each stage's *exclusive* CPU time (``time.process_time``; a stage's time excludes the
  stages it calls, e.g. ``entities`` excludes the ``segment`` call it makes), measured by wrapping the
  stage functions where the pipeline looks them up. Prints a table of seconds, share, and characters
  per CPU-second of the whole path (characters = title + body of the input, as ``bench_index.py``).
* ``--cprofile``: the same run under cProfile, printing the stage shares from cumulative times and the
  top functions by internal time (cProfile slows per-call-heavy code, so shares are approximate).

The segment (and its substring-index texts) is written to a temporary folder and thrown away.

    .venv/bin/python bench/profile_pipeline.py [--docs 3000] [--skip 0] [--cprofile] [--json OUT]
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def shared_dir() -> Path:
    return Path(os.environ.get("HUIXUN_SHARED") or (REPO / ".." / "shared")).resolve()


class Stages:
    """Exclusive CPU time per stage: a wrapped call's time minus that of the wrapped calls inside it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[float] = []

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        clock = time.process_time
        stack = self._stack
        seconds, calls = self.seconds, self.calls

        def timed(*args: Any, **kwargs: Any) -> Any:
            stack.append(0.0)
            t0 = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = clock() - t0
                inner = stack.pop()
                seconds[name] += dt - inner
                calls[name] += 1
                if stack:
                    stack[-1] += dt

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed


# (stage, module, attribute): every place the pipeline looks a stage function up.
PATCHES = [
    ("clean", "indexer.extract", "clean_text"),
    ("dates", "indexer.extract", "extract_dates"),
    ("sources", "indexer.extract", "extract_source"),
    ("sources", "indexer.extract", "facet_value"),
    ("entities", "indexer.extract", "extract_entities"),
    ("normalize", "search.analysis", "normalize"),
    ("normalize", "indexer.dates", "normalize"),
    ("normalize", "indexer.sources", "normalize"),
    ("normalize", "indexer.sources", "to_simplified"),
    ("normalize", "indexer.entities", "to_simplified"),
    ("normalize", "indexer.extract", "to_simplified"),
    ("segment", "search.analysis", "segment"),
    ("segment", "indexer.entities", "segment"),
    ("segment", "indexer.extract", "segment"),
    ("terms", "indexer.writer", "document_terms"),
    ("postings", "indexer.writer", "encode_positions"),  # the name before the Frequency format
    ("postings", "indexer.writer", "encode_postings"),
    ("hash", "indexer.writer", "content_hash"),
    ("extract (rest)", "indexer.writer", "build_announcement"),
    ("prepare (rest)", "__main__", "prepare"),
    ("segment builder", "__main__", "builder_add"),
]
STAGE_ORDER = [
    "read",
    "clean",
    "dates",
    "sources",
    "entities",
    "normalize",
    "segment",
    "terms",
    "postings",
    "hash",
    "extract (rest)",
    "prepare (rest)",
    "segment builder",
    "segment finish",
]


def read_lines(source: Path, skip: int, count: int) -> list[bytes]:
    lines = []
    with gzip.open(source, "rb") as fh:
        for n, line in enumerate(fh):
            if n < skip:
                continue
            if len(lines) >= count:
                break
            lines.append(line)
    return lines


def run(lines: list[bytes], stages: Stages | None) -> tuple[int, int, float]:
    """Run the worker-side path over ``lines``; returns (documents, characters, CPU seconds)."""
    import importlib

    from whoosh.filedb.filestore import FileStorage

    from indexer import readers, writer
    from indexer.segments import SegmentBuilder
    from indexer.textindex_build import save_segment_texts
    from search.analysis import pos_tag, segmenter
    from search.schema import build_schema

    segmenter()  # jieba's dictionary and its tag table load once per process, not per document
    pos_tag("中国")
    main = sys.modules[__name__]
    with tempfile.TemporaryDirectory(prefix="huixun-profile-") as tmp:
        storage = FileStorage(tmp)
        builder = SegmentBuilder(storage, build_schema())
        main.prepare = writer.prepare  # type: ignore[attr-defined]
        main.builder_add = builder.add  # type: ignore[attr-defined]
        patched = []
        if stages is not None:
            for name, module, attr in PATCHES:
                mod = importlib.import_module(module)
                if hasattr(mod, attr):  # a stage function may be renamed while the code changes
                    setattr(mod, attr, stages.wrap(name, getattr(mod, attr)))
                    patched.append((mod, attr))
        docs = chars = 0
        texts: list[str] = []  # normalized texts, for the segment's substring index
        clock = time.process_time
        started = clock()
        stream = io.BytesIO(b"".join(lines))
        limits = readers.ReadLimits()
        t_read = clock()
        for raw in readers._read_jsonl(stream, "bench_all.jsonl", limits):
            if stages is not None:
                stages.seconds["read"] += clock() - t_read
            if isinstance(raw, readers.IngestError):
                raise SystemExit(f"bad input line: {raw}")
            chars += len(raw.title or "") + len(raw.body)
            prepared = main.prepare(raw)  # type: ignore[attr-defined]
            if not isinstance(prepared, writer.IngestError):
                prepared.fields["indexed_at"] = "2026-01-01T00:00:00Z"
                main.builder_add(prepared.fields, prepared.stored)  # type: ignore[attr-defined]
                texts.append(prepared.normalized)
            docs += 1
            t_read = clock()
        # What a worker does when its segment is full or the run ends (_SegmentWorker._finish_segment).
        t_finish = clock()
        segment = builder.finish()
        save_segment_texts(storage.folder, segment.segment_id(), texts)
        if stages is not None:
            stages.seconds["segment finish"] += clock() - t_finish
        cpu = clock() - started
        for mod, attr in patched:  # unwrap (a second run in this process starts clean)
            setattr(mod, attr, getattr(mod, attr).__wrapped__)
    return docs, chars, cpu


def stage_table(stages: Stages, docs: int, chars: int, cpu: float) -> list[dict[str, Any]]:
    rows = []
    for name in STAGE_ORDER:
        sec = stages.seconds.get(name, 0.0)
        rows.append(
            {
                "stage": name,
                "seconds": sec,
                "share": sec / cpu if cpu else 0.0,
                "chars_per_cpu_s": chars / sec if sec else None,
            }
        )
    accounted = sum(stages.seconds.values())
    rows.append(
        {
            "stage": "other (loop, unaccounted)",
            "seconds": cpu - accounted,
            "share": (cpu - accounted) / cpu if cpu else 0.0,
            "chars_per_cpu_s": None,
        }
    )
    return rows


def print_table(rows: list[dict[str, Any]], docs: int, chars: int, cpu: float) -> None:
    print(f"{docs} documents, {chars:,} characters, {cpu:.2f} CPU-s: {chars / cpu:,.0f} chars per CPU-second")
    print()
    print("| stage | CPU s | share | chars per CPU-s of the stage alone |")
    print("|---|---:|---:|---:|")
    for row in rows:
        speed = f"{row['chars_per_cpu_s']:,.0f}" if row["chars_per_cpu_s"] else ""
        print(f"| {row['stage']} | {row['seconds']:.2f} | {row['share']:.1%} | {speed} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000, help="documents to process")
    parser.add_argument("--skip", type=int, default=0, help="documents to skip first")
    parser.add_argument("--cprofile", action="store_true", help="run under cProfile, print top functions")
    parser.add_argument("--top", type=int, default=40, help="functions to list with --cprofile")
    parser.add_argument("--json", help="also write the stage table to this file")
    args = parser.parse_args()
    source = shared_dir() / "corpus" / "bench_all.jsonl.gz"
    if not source.is_file():
        sys.exit(f"benchmark corpus not found: {source} (set HUIXUN_SHARED)")
    lines = read_lines(source, args.skip, args.docs)
    if args.cprofile:
        profile = cProfile.Profile()
        profile.enable()
        docs, chars, cpu = run(lines, None)
        profile.disable()
        print(f"{docs} documents, {chars:,} characters, {cpu:.2f} CPU-s under cProfile")
        stats = pstats.Stats(profile)
        total = sum(v[3] for k, v in stats.stats.items() if k[2] == "run")  # type: ignore[attr-defined]
        for label, func in [
            ("prepare", "prepare"),
            ("build_announcement", "build_announcement"),
            ("clean_text", "clean_text"),
            ("extract_dates", "extract_dates"),
            ("extract_source", "extract_source"),
            ("extract_entities", "extract_entities"),
            ("segment", "segment"),
            ("document_terms", "document_terms"),
            ("encode_positions", "encode_positions"),
            ("SegmentBuilder.add", "add"),
            ("_read_jsonl", "_read_jsonl"),
        ]:
            cum = max((v[3] for k, v in stats.stats.items() if k[2] == func), default=0.0)  # type: ignore[attr-defined]
            print(f"  {label:<20} cumulative {cum:7.2f} s  {cum / total:6.1%}")
        stats.sort_stats("tottime").print_stats(args.top)
        return
    stages = Stages()
    docs, chars, cpu = run(lines, stages)
    rows = stage_table(stages, docs, chars, cpu)
    print_table(rows, docs, chars, cpu)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"docs": docs, "chars": chars, "cpu_seconds": cpu, "stages": rows}, indent=1)
        )


if __name__ == "__main__":
    main()
