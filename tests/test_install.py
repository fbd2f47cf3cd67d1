"""huixun installs like a package: its own wheel, in a fresh virtual environment outside the checkout,
indexes the demo files, serves them with ``huixun serve`` and answers a search (issue #14: ``huixun serve``
looked for a ``gunicorn.conf.py`` that only a checkout has).

A real install: the wheel's declared dependencies are resolved by pip into an empty environment (no
``--system-site-packages``, so a dependency missing from pyproject fails here), from pip's usual
sources and cache; every command runs from a directory outside the checkout, so nothing is imported
from it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .conftest import DEMO_DIR, REPO
from .test_gunicorn_serve import free_port, wait_until_serving

pytestmark = pytest.mark.install


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_wheel_installs_indexes_serves_and_searches(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env = {k: v for k, v in env.items() if not k.startswith("HUIXUN_")}
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    # Built from a copy of what the wheel is made of, so the build leaves nothing in the checkout.
    source = tmp_path / "source"
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("search", "indexer", "webapp"):
        shutil.copytree(REPO / name, source / name, ignore=junk)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip"]
    run([*pip, "wheel", str(source), "--no-deps", "-q", "-w", str(wheels)], outside, env)
    (wheel,) = wheels.glob("huixun-*.whl")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], outside, env)
    bin_dir = venv / "bin"
    run([str(bin_dir / "pip"), "install", "-q", str(wheel)], outside, env)

    where = "import search, webapp; print(webapp.__file__)"
    located = run([str(bin_dir / "python"), "-c", where], outside, env)
    assert Path(located.strip()).is_relative_to(venv), located

    index_dir = outside / "index"
    huixun = str(bin_dir / "huixun")
    out = run([huixun, "index", str(DEMO_DIR), "--index-dir", str(index_dir), "--workers", "1"], outside, env)
    assert "failed 0" in out

    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            [huixun, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--index-dir", str(index_dir)],
            cwd=outside, env=env, stdout=sink, stderr=sink,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            try:
                wait_until_serving(proc, base + "/healthz")
            except AssertionError:
                raise AssertionError(log.read_text(encoding="utf-8", errors="replace")) from None
            with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
                health = json.load(response)
            assert health["ok"] is True and health["documents"] > 400
            url = base + "/api/v1/search?q=" + urllib.request.quote("科創中國")
            with urllib.request.urlopen(url, timeout=10) as response:
                body = json.load(response)
            # 3 documents, 2 announcements: cast-120382 and its Traditional twin are one (collapsed) result
            assert body["ok"] is True and body["total"] == 2
            assert body["hits"][0]["title_html"].count("<mark>") >= 1
            with urllib.request.urlopen(base + "/", timeout=10) as response:  # templates, translations
                assert "会讯" in response.read().decode("utf-8")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
