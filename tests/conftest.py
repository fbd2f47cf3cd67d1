"""Shared test fixtures: paths of the real demo corpus shipped in data/demo/ (tests never read ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO / "data" / "demo"
SAMPLE_POST = DEMO_DIR / "posts" / "000_99532756a9d00d77.txt"
FIXTURES = DEMO_DIR / "fixtures_zh.jsonl"


@pytest.fixture(scope="session")
def sample_post_text() -> str:
    return SAMPLE_POST.read_text(encoding="utf-8")
