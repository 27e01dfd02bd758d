"""The CLI reference, generated from the commands themselves (docs/cli.md).

``python -m veille.cli.reference > docs/cli.md`` writes it; a test fails when the file
and the commands disagree, so no command or option goes undocumented.
"""

from __future__ import annotations

import click

from veille.cli import cli


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += _walk(command.commands[name], [*path, name])
    return found


def render() -> str:
    lines = [
        "# veille command reference",
        "",
        "Generated from the code by `python -m veille.cli.reference > docs/cli.md`;",
        "a test keeps it in step with the commands.",
        "",
    ]
    for path, command in _walk(cli, ["veille"]):
        # As the command line builds them: ``-h`` works everywhere (and click keeps the
        # help option it made first, so a context without it would depend on history).
        ctx = click.Context(command, info_name=" ".join(path), **cli.context_settings)
        lines += [f"## `{' '.join(path)}`", "", "```", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
