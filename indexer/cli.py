"""The ``huixun`` command line: a click group whose commands live in their own modules.

The CLI sits in ``indexer`` because most of its commands are staff tools over the indexer; it may import
``search`` (the dependency direction is ``indexer → search ← webapp``) and starts the web app only through
gunicorn, by name, never by import.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="huixun")
def main() -> None:
    """huixun (会讯): full-text search for the announcements of Chinese academic societies."""


# Commands register themselves below, one line each (keep the list sorted).
from .commands_check import check  # noqa: E402
from .commands_extract import extract  # noqa: E402
from .commands_index import index, stats  # noqa: E402
from .commands_ingest import keys, worker  # noqa: E402
from .commands_search import search  # noqa: E402
from .commands_serve import serve  # noqa: E402

main.add_command(check)
main.add_command(extract)
main.add_command(index)
main.add_command(keys)
main.add_command(search)
main.add_command(serve)
main.add_command(stats)
main.add_command(worker)

if __name__ == "__main__":  # `python -m indexer.cli worker`: how huixun serve starts the worker
    main()
