"""Documentation that is generated from the code must match the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille.cli.reference import render

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run COLUMNS=100 python -m veille.cli.reference > docs/cli.md"
    )


def test_readme_names_every_format_and_command() -> None:
    from veille.cli import cli
    from veille.connectors import BUILTIN

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in BUILTIN:
        assert f"`{name}`" in readme, f"format {name} is not in the README"
    for name in cli.commands:
        assert f"veille {name}" in readme, f"command {name} is not in the README"


def test_connector_reference_is_current() -> None:
    from veille.connectors.reference import render as connectors

    assert (ROOT / "docs" / "connectors.md").read_text(encoding="utf-8") == connectors(), (
        "docs/connectors.md is stale: run python -m veille.connectors.reference > docs/connectors.md"
    )


def test_the_rules_reference_in_the_docs_is_current() -> None:
    from veille.inbox.rules import EXAMPLE, reference

    doc = (ROOT / "docs" / "inbox.md").read_text(encoding="utf-8")
    assert reference().strip() in doc, "docs/inbox.md lists other rule keys than rules.py"
    assert EXAMPLE.strip() in doc
