"""``huixun serve``: run the web app under gunicorn with the repository's ``gunicorn.conf.py``.

The command replaces itself with gunicorn (``exec``) so signals reach the master directly. It never
imports the web app: gunicorn loads ``webapp:create_app()`` by name.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@click.command("serve")
@click.option("--bind", "-b", default=None, help="Address to listen on (host:port); default HUIXUN_BIND.")
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes; default HUIXUN_WORKERS.",
)
@click.option(
    "--index-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Index directory; default HUIXUN_INDEX_DIR.",
)
def serve(bind: str | None, workers: int | None, index_dir: str | None) -> None:
    """Serve the search page and the JSON API with gunicorn."""
    if not CONFIG.is_file():
        raise click.ClickException(f"gunicorn configuration not found: {CONFIG}")
    env = dict(os.environ)
    for name, value in (("HUIXUN_BIND", bind), ("HUIXUN_WORKERS", workers), ("HUIXUN_INDEX_DIR", index_dir)):
        if value is not None:
            env[name] = str(value)
    argv = [sys.executable, "-m", "gunicorn", "--config", str(CONFIG), "webapp:create_app()"]
    try:
        os.execve(sys.executable, argv, env)
    except OSError as exc:
        raise click.ClickException(f"cannot start gunicorn: {exc}") from None
