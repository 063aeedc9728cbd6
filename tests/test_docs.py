"""Docs kept honest: every setting is in the README, every command in docs/cli.md."""
from pathlib import Path

import pytest

from api.cli import app
from domain.settings import Settings

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name):
    assert f"SOHOA_{name.upper()}" in (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [f"{g.name} {c.name}" for g in app.registered_groups for c in g.typer_instance.registered_commands]
    return sorted(names)


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_cli_contract(command):
    assert f"`sohoa {command}" in (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
