"""The real server: gunicorn with the packaged webapp/gunicorn_conf.py, two workers, on a free port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from .conftest import REPO

pytestmark = pytest.mark.server

STARTUP_DEADLINE_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(proc: subprocess.Popen[bytes], url: str) -> None:
    """Poll ``url`` until it answers (bounded by STARTUP_DEADLINE_S; fails if the server exits)."""
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)  # polling interval while waiting for the port, not a timing assumption
    raise AssertionError(f"gunicorn did not answer {url} within {STARTUP_DEADLINE_S} s")


@pytest.fixture(scope="module")
def server(demo_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log_dir = tmp_path_factory.mktemp("gunicorn")
    env = dict(os.environ, HUIXUN_ACCESS_LOG=str(log_dir / "access.log"))
    # `huixun serve` execs gunicorn with webapp/gunicorn_conf.py: this is the command operators run.
    huixun = str(Path(sys.executable).parent / "huixun")
    cmd = [huixun, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--index-dir", str(demo_index)]
    with open(log_dir / "gunicorn.err", "wb") as err:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=err, stderr=err)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(proc, base + "/healthz")
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def get_json(url: str) -> tuple[int, dict, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc), dict(exc.headers)


def test_gunicorn_serves_health_and_search(server: str, demo_index: Path) -> None:
    status, health, _ = get_json(server + "/healthz")
    assert status == 200
    assert health["ok"] is True and health["documents"] == 401  # 400 fixtures + the sample post
    status, body, headers = get_json(
        server + "/api/v1/search?q=%E7%A7%91%E5%88%9B%E4%B8%AD%E5%9B%BD&collapse=false"
    )  # 科创中国, every document (twins apart)
    assert status == 200
    assert body["total"] == 3
    assert all("<mark>" in hit["title_html"] + hit["snippet_html"] for hit in body["hits"])
    assert headers["ETag"] and headers["Access-Control-Allow-Origin"] == "*"


def test_gunicorn_answers_errors_in_the_envelope(server: str) -> None:
    status, body, _ = get_json(server + "/api/v1/search?per_page=51")
    assert status == 400
    assert body == {
        "ok": False,
        "status": 400,
        "error": {"code": "invalid_parameter", "message": body["error"]["message"], "param": "per_page"},
    }


def test_serve_command_is_registered_and_documents_its_options() -> None:
    from indexer.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--bind" in result.output and "--workers" in result.output and "--index-dir" in result.output


def test_serve_command_does_not_import_the_web_app() -> None:
    code = "import sys, indexer.cli, indexer.commands_serve; print('webapp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"
