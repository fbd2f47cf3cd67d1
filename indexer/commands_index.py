"""``huixun index PATH...`` and ``huixun stats``: build the index, and describe it.

The index directory comes from ``--index-dir``, else ``HUIXUN_INDEX_DIR``, else ``var/index``
(:mod:`search.settings`). ``huixun index`` shows a progress line with documents/s and the ETA on a
terminal, one log line per batch otherwise, and ends with a summary naming every failure; its exit
status is 0 only when every document was indexed.
"""

from __future__ import annotations

import errno
import gzip
import sys
import time
from pathlib import Path
from typing import TextIO

import click

from search import settings
from search.models import FacetBucket, SearchRequest
from search.schema import SCHEMA_VERSION
from search.service import run_search
from search.store import IndexStore, IndexStoreError

from .parallel import WorkerCrashed
from .readers import KNOWN_SUFFIXES
from .writer import IndexProgress, IndexReport, index_paths, index_size

__all__ = ["index", "stats", "estimate_documents"]

_INDEX_DIR_HELP = "Index directory (default: $HUIXUN_INDEX_DIR, else var/index)."


def _index_dir(option: str | None) -> str:
    return option or str(settings.get("index_dir"))


def estimate_documents(paths: tuple[str, ...]) -> int:
    """About how many documents ``paths`` hold (lines of JSON Lines files, one per other file), for
    the ETA only: the readers decide what really is a document."""
    total = 0
    for path in map(Path, paths):
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            name = file.name.lower().removesuffix(".gz")
            if name.endswith(".jsonl") or name.endswith(".json"):
                opener = gzip.open if file.name.lower().endswith(".gz") else open
                try:
                    with opener(file, "rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except (OSError, EOFError):  # unreadable or truncated: the reader reports it
                    total += 1
            elif name.endswith(KNOWN_SUFFIXES) or path.is_file():
                total += 1
    return total


class _ProgressLine:
    """Progress on a terminal (one line, rewritten) or in a log (one line per batch)."""

    def __init__(self, total: int, out: TextIO):
        self.total = total
        self.out = out
        self.tty = out.isatty()

    def __call__(self, p: IndexProgress) -> None:
        rate = p.done / p.elapsed if p.elapsed > 0 else 0.0
        chars = p.chars / p.elapsed if p.elapsed > 0 else 0.0
        left = max(self.total - p.done, 0)
        eta = time.strftime("%H:%M:%S", time.gmtime(left / rate)) if rate > 0 and left else "-"
        line = (
            f"{p.done:,}/{self.total:,} documents  {rate:,.0f} docs/s  {chars:,.0f} chars/s  ETA {eta}"
            f"  (added {p.added}, updated {p.updated}, unchanged {p.unchanged}, failed {p.failed})"
        )
        if self.tty:
            self.out.write("\r" + line + "\x1b[K")
        else:
            self.out.write(line + "\n")
        self.out.flush()

    def close(self) -> None:
        if self.tty:
            self.out.write("\n")


@click.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--index-dir", default=None, help=_INDEX_DIR_HELP)
@click.option("--rebuild", is_flag=True,
              help="Build a fresh index from PATH... beside the live one and switch to it atomically.")
@click.option("--prune", is_flag=True,
              help="Delete documents whose file was read but no longer holds them, or whose file under "
                   "PATH... is gone.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes for cleaning, extraction and analysis (default: one per CPU).")
def index(
    paths: tuple[str, ...], index_dir: str | None, rebuild: bool, prune: bool, workers: int | None
) -> None:
    """Index PATH... (JSON Lines files, posts, HTML pages, or directories of them)."""
    directory = _index_dir(index_dir)
    progress = _ProgressLine(estimate_documents(paths), sys.stderr)
    try:
        report = index_paths(list(paths), directory, rebuild=rebuild, prune=prune, workers=workers,
                             progress=progress, notice=lambda message: click.echo(message, err=True))
    except IndexStoreError as exc:  # lock held, schema mismatch: a message, not a traceback
        raise click.ClickException(str(exc)) from None
    except (OSError, WorkerCrashed) as exc:
        if not _disk_full(exc):
            raise
        raise click.ClickException(
            f"no space left on the device of {directory}: indexing stopped, the live index is intact "
            "(this run's documents are all in it or none); free space and run the same command again"
        ) from None
    finally:
        progress.close()
    click.echo(_summary(report))
    for warning in report.warnings:
        click.echo(f"  warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"  failed: {error}", err=True)
    if not report.ok:
        raise click.exceptions.Exit(1)


def _disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (here, or in an indexing worker: its traceback text) says the disk is full."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return "No space left on device" in str(exc) or "Disk quota exceeded" in str(exc)


def _summary(report: IndexReport) -> str:
    rate = report.chars / report.seconds if report.seconds > 0 else 0.0
    kind = "rebuilt" if report.rebuilt else "updated"
    return (
        f"index {kind} in {report.index_dir} ({report.generation}): added {report.added}, "
        f"updated {report.updated}, unchanged {report.unchanged}, deleted {report.deleted}, "
        f"failed {report.failed}; {report.documents} documents; "
        f"{report.seconds:.1f} s, {rate:,.0f} chars/s"
    )


@click.command("stats")
@click.option("--index-dir", default=None, help=_INDEX_DIR_HELP)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="Show at most this many sources.")
def stats(index_dir: str | None, top: int) -> None:
    """Document count, size, schema version, last indexing time, documents per source and year."""
    store = IndexStore(_index_dir(index_dir))
    try:
        ix = store.open()
        meta = store.meta()
    except IndexStoreError as exc:
        raise click.ClickException(str(exc)) from None
    # Counted by the query side (the facet counts every search shows), not from the index's columns.
    with ix.searcher() as searcher:
        count = searcher.doc_count()
        everything = run_search(searcher, SearchRequest.create("", facet_more=["source", "year"]))
    ix.close()
    sources = _with_none(everything.facets["source"], count)
    years = _with_none(everything.facets["year"], count)
    size = index_size(store.root)
    click.echo(f"index:          {store.root} ({store.live_dir().name})")
    click.echo(f"documents:      {count}")
    click.echo(f"size:           {size / 1e6:.1f} MB")
    click.echo(f"schema version: {meta.schema_version} (this huixun: {SCHEMA_VERSION})")
    click.echo(f"last indexed:   {meta.last_indexed_at or 'never'}")
    click.echo("per source:")
    for name, n in sorted(sources.items(), key=lambda item: -item[1])[:top]:
        click.echo(f"  {n:8d}  {name}")
    if len(sources) > top:
        click.echo(f"  ({len(sources) - top} more sources)")
    click.echo("per year:")
    for year in sorted(years):
        click.echo(f"  {years[year]:8d}  {year}")


def _with_none(buckets: tuple[FacetBucket, ...], documents: int) -> dict[str, int]:
    """Documents per value of a single-valued facet, and ``(none)`` for those without one."""
    counts = {bucket.value: bucket.count for bucket in buckets}
    missing = documents - sum(counts.values())
    if missing:
        counts["(none)"] = missing
    return counts
