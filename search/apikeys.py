"""API keys of the ingest API: created and revoked by staff (``huixun keys``), checked by the web app.

A key is shown once, at creation: ``hx_<key id>_<secret>``. The key id (8 hex digits) finds the row; the
secret (32 random bytes, URL-safe base64) is stored only as its scrypt hash (``hashlib.scrypt``,
n=2**14, r=8, p=1, a 16-byte salt per key) and compared with :func:`hmac.compare_digest`. An unknown
key id still costs one scrypt, so timing does not tell which key ids exist. Nothing here logs a key.

Scopes: ``documents.write`` (``POST /api/v1/documents``, ``DELETE /api/v1/documents/<id>``) and
``tasks.read`` (``GET /api/v1/tasks…``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass

from .ingestdb import connect, now, transaction

__all__ = [
    "SCOPES",
    "ApiKey",
    "ApiKeyError",
    "create_key",
    "list_keys",
    "revoke_key",
    "any_key",
    "verify",
]

SCOPES: dict[str, str] = {
    "documents.write": "Add, replace and delete documents (POST/DELETE /api/v1/documents).",
    "tasks.read": "Read the status of ingest tasks (GET /api/v1/tasks).",
}
PREFIX = "hx_"
_KDF = "scrypt:n=16384,r=8,p=1"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TOKEN_RE = re.compile(r"^hx_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")
_DUMMY_SALT = b"\0" * 16


class ApiKeyError(ValueError):
    """A key operation that cannot be done (bad name or scope, duplicate name, unknown key)."""


@dataclass(frozen=True)
class ApiKey:
    """A stored key, without its secret."""

    name: str
    key_id: str
    scopes: tuple[str, ...]
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode("ascii"), salt=salt, n=16384, r=8, p=1, maxmem=64 * 1024 * 1024,
                          dklen=32)


def _row(row: sqlite3.Row) -> ApiKey:
    return ApiKey(row["name"], row["key_id"], tuple(row["scopes"].split(",")), row["created_at"],
                  row["revoked_at"])


def parse_scopes(text: str) -> tuple[str, ...]:
    """``documents.write,tasks.read`` → a tuple of known scopes; raises :class:`ApiKeyError` otherwise."""
    scopes = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise ApiKeyError(f"unknown scope {unknown[0]!r}; known scopes: {', '.join(SCOPES)}" if unknown
                        else f"give at least one scope: {', '.join(SCOPES)}")
    return scopes


def create_key(db_path: str, name: str, scopes: tuple[str, ...]) -> tuple[ApiKey, str]:
    """Store a new key named ``name``; returns it and the full key text (the only time it exists)."""
    if not _NAME_RE.match(name):
        raise ApiKeyError(
            "a key name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    key_id = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    conn = connect(db_path)
    assert conn is not None
    try:
        with transaction(conn):
            if conn.execute("SELECT 1 FROM api_keys WHERE name = ?", (name,)).fetchone():
                raise ApiKeyError(f"a key named {name!r} exists already (revoked keys keep their name)")
            created = now()
            conn.execute(
                "INSERT INTO api_keys (name, key_id, scopes, kdf, salt, hash, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, key_id, ",".join(scopes), _KDF, salt, _hash(secret, salt), created),
            )
    finally:
        conn.close()
    return ApiKey(name, key_id, scopes, created, None), f"{PREFIX}{key_id}_{secret}"


def list_keys(db_path: str) -> list[ApiKey]:
    conn = connect(db_path, create=False)
    if conn is None:
        return []
    try:
        return [_row(r) for r in conn.execute("SELECT * FROM api_keys ORDER BY created_at, name")]
    finally:
        conn.close()


def revoke_key(db_path: str, name: str) -> ApiKey:
    """Revoke the key ``name`` (its requests get 401 from now on); raises :class:`ApiKeyError` if unknown."""
    conn = connect(db_path, create=False)
    if conn is None:
        raise ApiKeyError(f"no key named {name!r}")
    try:
        with transaction(conn):
            row = conn.execute("SELECT * FROM api_keys WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise ApiKeyError(f"no key named {name!r}")
            if row["revoked_at"] is None:
                conn.execute("UPDATE api_keys SET revoked_at = ? WHERE name = ?", (now(), name))
            row = conn.execute("SELECT * FROM api_keys WHERE name = ?", (name,)).fetchone()
    finally:
        conn.close()
    return _row(row)


def any_key(db_path: str) -> bool:
    """Whether a key was ever created (revoked ones count): without one the write routes do not exist."""
    conn = connect(db_path, create=False)
    if conn is None:
        return False
    try:
        return conn.execute("SELECT 1 FROM api_keys LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # the file exists but holds no table yet
        return False
    finally:
        conn.close()


def verify(db_path: str, token: str) -> ApiKey | None:
    """The active key ``token`` is, or ``None`` (malformed, unknown, wrong secret or revoked)."""
    match = _TOKEN_RE.match(token)
    if match is None:
        return None
    key_id, secret = match.groups()
    conn = connect(db_path, create=False)
    row = None
    if conn is not None:
        try:
            row = conn.execute("SELECT * FROM api_keys WHERE key_id = ?", (key_id,)).fetchone()
        finally:
            conn.close()
    if row is None:
        _hash(secret, _DUMMY_SALT)  # same cost as a known key id
        return None
    if not hmac.compare_digest(_hash(secret, row["salt"]), row["hash"]):
        return None
    key = _row(row)
    return key if key.active else None
