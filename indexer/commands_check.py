"""``huixun check``: verify that the word index, the substring index and the stored fields of the live
index agree document by document (:mod:`indexer.integrity`). Exit status 0 when they do, 1 otherwise."""

from __future__ import annotations

import click

from indexer.integrity import check_index
from search import settings
from search.store import IndexStoreError

__all__ = ["check"]


@click.command("check")
@click.option("--index-dir", default=None,
              help="Index directory (default: $HUIXUN_INDEX_DIR, else var/index).")
def check(index_dir: str | None) -> None:
    """Check that the word index, the substring index and the stored fields agree, document by document."""
    directory = index_dir or str(settings.get("index_dir"))
    try:
        report = check_index(directory)
    except IndexStoreError as exc:
        raise click.ClickException(str(exc)) from None
    for note in report.notes:
        click.echo(f"  note: {note}", err=True)
    for problem in report.problems:
        click.echo(f"  problem: {problem}", err=True)
    if report.problem_count > len(report.problems):
        click.echo(f"  … and {report.problem_count - len(report.problems)} more problems", err=True)
    if report.ok:
        click.echo(
            f"index in {report.index_dir} ({report.generation}) is consistent: {report.documents} documents; "
            "word index, substring index and stored fields agree"
        )
        return
    click.echo(
        f"index in {report.index_dir} ({report.generation}) has {report.problem_count} problem(s) "
        f"over {report.documents} documents; rebuild it: huixun index PATH... --rebuild"
    )
    raise click.exceptions.Exit(1)
