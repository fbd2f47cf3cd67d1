"""``huixun extract PATH...``: the announcements exactly as the indexer will see them, as JSON Lines.

A dry run for staff and the way to debug a feed: documents go to standard output, one JSON object per
line (UTF-8, readable Chinese); every problem goes to standard error as ``path:line: reason``, then one
summary line. The exit status is 1 when anything failed, else 0.
"""

from __future__ import annotations

import json

import click

from .extract import build_announcement
from .model import Announcement, IngestError
from .readers import ReadLimits, read_paths

_MB = 1024 * 1024


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--max-file-mb", type=click.IntRange(min=1), default=ReadLimits.max_file_bytes // _MB,
              show_default=True, help="Report (and skip) a post or HTML page larger than this many MB.")
@click.option("--max-line-mb", type=click.IntRange(min=1), default=ReadLimits.max_line_bytes // _MB,
              show_default=True, help="Report (and skip) a JSON line longer than this many MB.")
@click.option("--fields", default=None, metavar="NAME,...",
              help="Print only these fields of each announcement (e.g. id,title,date,source).")
def extract(paths: tuple[str, ...], max_file_mb: int, max_line_mb: int, fields: str | None) -> None:
    """Read, clean and extract PATH... (files or directories) and print the announcements as JSON Lines."""
    wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    if wanted:
        unknown = [f for f in wanted if f not in Announcement.__dataclass_fields__]
        if unknown:
            raise click.ClickException(f"unknown field(s): {', '.join(unknown)}")
    limits = ReadLimits(max_file_bytes=max_file_mb * _MB, max_line_bytes=max_line_mb * _MB)
    done = failed = 0
    for item in read_paths(paths, limits):
        if not isinstance(item, IngestError):
            try:
                announcement = build_announcement(item)
            except ValueError as exc:
                item = IngestError(item.origin, item.line, str(exc))
            else:
                record = announcement.to_json()
                if wanted:
                    record = {name: record[name] for name in wanted}
                click.echo(json.dumps(record, ensure_ascii=False))
                done += 1
                continue
        click.echo(str(item), err=True)
        failed += 1
    click.echo(f"{done} announcement(s), {failed} error(s)", err=True)
    if failed:
        raise click.exceptions.Exit(1)
