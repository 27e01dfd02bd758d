"""The connector reference (docs/connectors.md), generated from the connectors' own
docstrings: what each reads and the rules it follows (ids, threads, authors, dates).

``python -m veille.connectors.reference > docs/connectors.md`` writes it; a test fails
when the file and the code disagree.
"""

from __future__ import annotations

import inspect
import sys

from veille.connectors import BUILTIN, connector_class


def render() -> str:
    lines = [
        "# Connectors",
        "",
        "Generated from the code by `python -m veille.connectors.reference > docs/connectors.md`.",
        "Each connector reads one kind of source into veille's model; `--format NAME` picks",
        "one, and without it the content decides.",
        "",
    ]
    for name in BUILTIN:
        cls = connector_class(name)
        module = sys.modules[cls.__module__]
        lines += [
            f"## `{name}` — {cls.description}",
            "",
            f"Platform: `{cls.platform}`. Module: `{cls.__module__}`.",
            "",
            inspect.cleandoc(module.__doc__ or "").strip(),
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
