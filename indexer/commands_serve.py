"""``huixun serve``: run the web app under gunicorn with the packaged configuration
(``webapp/gunicorn_conf.py``, loaded as the module ``python:webapp.gunicorn_conf``, so it is found in a
checkout and in an installed wheel alike).

The command replaces itself with gunicorn (``exec``) so signals reach the master directly. It never
imports the web app: gunicorn loads ``webapp:create_app()`` by name. Its options are handed over as the
``HUIXUN_*`` settings the configuration reads.
"""

from __future__ import annotations

import os
import sys

import click

#: The gunicorn configuration, a module of the installed package (gunicorn's ``python:`` form).
CONFIG_MODULE = "webapp.gunicorn_conf"


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
    env = dict(os.environ)
    for name, value in (("HUIXUN_BIND", bind), ("HUIXUN_WORKERS", workers), ("HUIXUN_INDEX_DIR", index_dir)):
        if value is not None:
            env[name] = str(value)
    argv = [sys.executable, "-m", "gunicorn", "--config", "python:" + CONFIG_MODULE, "webapp:create_app()"]
    try:
        os.execve(sys.executable, argv, env)
    except OSError as exc:
        raise click.ClickException(f"cannot start gunicorn: {exc}") from None
