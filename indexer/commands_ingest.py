"""``huixun worker`` (applies the ingest API's tasks) and ``huixun keys`` (the API keys).

Both find the ingest database from ``--index-dir`` (else ``HUIXUN_INDEX_DIR``): ``ingest.sqlite3`` in the
index directory, unless ``HUIXUN_INGEST_DB`` names another file (:func:`search.settings.ingest_db_path`).
"""

from __future__ import annotations

import logging
import threading

import click

from search import settings
from search.apikeys import SCOPES, ApiKeyError, create_key, list_keys, parse_scopes, revoke_key

from .worker import IngestWorker, stop_on_signals

__all__ = ["worker", "keys"]

_INDEX_DIR_HELP = "Index directory (default: $HUIXUN_INDEX_DIR, else var/index)."


def _paths(index_dir: str | None) -> tuple[str, str]:
    directory = index_dir or str(settings.get("index_dir"))
    return directory, settings.ingest_db_path(index_dir=directory)


@click.command("worker")
@click.option("--index-dir", default=None, help=_INDEX_DIR_HELP)
@click.option("--once", is_flag=True,
              help="Apply the tasks queued now, then exit (default: run until stopped).")
def worker(index_dir: str | None, once: bool) -> None:
    """Apply the ingest API's queued tasks to the index, in order (the index's one writer besides
    huixun index, with which it shares the lock). Stop it with SIGTERM: it finishes its batch first."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [worker %(process)d] %(message)s")
    directory, db = _paths(index_dir)
    values = settings.resolve(names=["worker_poll", "worker_batch"])
    stop = threading.Event()
    stop_on_signals(stop)
    ingest = IngestWorker(directory, db, poll=values["worker_poll"], batch=values["worker_batch"])
    try:
        ingest.run(stop, once=once)
    finally:
        ingest.close()


@click.group("keys")
def keys() -> None:
    """Create, list and revoke the API keys of the ingest API."""


@keys.command("create")
@click.option("--name", required=True, help="A name for the key (who uses it: cms, newsroom …).")
@click.option("--scopes", default=",".join(SCOPES), show_default=True,
              help="Comma-separated scopes: " + ", ".join(SCOPES) + ".")
@click.option("--index-dir", default=None, help=_INDEX_DIR_HELP)
def keys_create(name: str, scopes: str, index_dir: str | None) -> None:
    """Create a key and print it (once: only its hash is stored)."""
    _, db = _paths(index_dir)
    try:
        key, token = create_key(db, name, parse_scopes(scopes))
    except ApiKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(token)
    click.echo(f"key {key.name!r} ({', '.join(key.scopes)}) created; it is shown only now, store it safely",
               err=True)


@keys.command("list")
@click.option("--index-dir", default=None, help=_INDEX_DIR_HELP)
def keys_list(index_dir: str | None) -> None:
    """List the keys: name, key id, scopes, created, revoked (never the secret)."""
    _, db = _paths(index_dir)
    for key in list_keys(db):
        state = f"revoked {key.revoked_at}" if key.revoked_at else "active"
        scopes = ",".join(key.scopes)
        click.echo(f"{key.name}\thx_{key.key_id}_…\t{scopes}\tcreated {key.created_at}\t{state}")


@keys.command("revoke")
@click.argument("name")
@click.option("--index-dir", default=None, help=_INDEX_DIR_HELP)
def keys_revoke(name: str, index_dir: str | None) -> None:
    """Revoke the key NAME: its requests are refused (401) from now on."""
    _, db = _paths(index_dir)
    try:
        key = revoke_key(db, name)
    except ApiKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"key {key.name!r} revoked at {key.revoked_at}")
