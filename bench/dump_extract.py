#!/usr/bin/env python3
"""Dump what the indexer derives from each document, to check that a speed change changes nothing.

For every document of the demo corpus (``data/demo``) and the first ``--bench`` documents of
``corpus/bench_all.jsonl.gz`` of the shared folder (``../shared`` or ``$HUIXUN_SHARED``), writes one
JSON line: every field of :func:`indexer.extract.build_announcement` (or the error it raises), the
entity mentions with their spans (:func:`indexer.entities.find_mentions`), and a digest of the term
positions and normalized text of :func:`search.analysis.document_terms`. Run it before and after a
change and ``diff`` (or ``cmp``) the two files.

    .venv/bin/python bench/dump_extract.py OUT.jsonl [--bench 3000]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import io
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def shared_dir() -> Path:
    return Path(os.environ.get("HUIXUN_SHARED") or (REPO / ".." / "shared")).resolve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="output JSON Lines file")
    parser.add_argument("--bench", type=int, default=3000, help="documents of bench_all to include")
    args = parser.parse_args()

    from indexer.entities import find_mentions
    from indexer.extract import build_announcement
    from indexer.model import IngestError
    from indexer.readers import ReadLimits, _read_jsonl, read_paths
    from search.analysis import document_terms

    raws = list(read_paths([REPO / "data" / "demo"]))
    if args.bench:
        lines = []
        with gzip.open(shared_dir() / "corpus" / "bench_all.jsonl.gz", "rb") as fh:
            for line in fh:
                if len(lines) >= args.bench:
                    break
                lines.append(line)
        raws += list(_read_jsonl(io.BytesIO(b"".join(lines)), "bench_all.jsonl", ReadLimits()))
    with open(args.out, "w", encoding="utf-8") as out:
        for raw in raws:
            if isinstance(raw, IngestError):
                record = {"ingest_error": dataclasses.astuple(raw)}
            else:
                try:
                    ann = build_announcement(raw)
                except ValueError as exc:
                    record = {"origin": raw.origin, "line": raw.line, "error": str(exc)}
                else:
                    record = dataclasses.asdict(ann)
                    full = f"{ann.title}\n{ann.body}"
                    record["mentions"] = [dataclasses.astuple(m) for m in find_mentions(full)]
                    terms = document_terms(ann.title or "", ann.body or "")
                    digest = hashlib.sha256(
                        json.dumps(
                            [sorted(terms.title.items()), sorted(terms.body.items()), terms.normalized],
                            ensure_ascii=False,
                        ).encode()
                    ).hexdigest()
                    record["terms"] = digest
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(raws)} documents → {args.out}")


if __name__ == "__main__":
    main()
