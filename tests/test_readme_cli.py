"""The README's CLI reference names every command and every option the ``huixun`` CLI has."""

from __future__ import annotations

import click

from indexer.cli import main

from .conftest import REPO


def _cli_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## CLI reference")
    return readme[start : readme.index("\n## ", start + 1)]


def test_every_command_and_option_is_documented():
    section = _cli_section()
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None
        assert f"huixun {name}" in section, f"command {name} missing from the README"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in section, f"huixun {name} {opt} missing from the README"


def test_commands_are_the_ones_the_issues_name():
    assert set(main.list_commands(click.Context(main))) == {
        "check", "extract", "index", "keys", "search", "serve", "stats", "worker"
    }
