"""Parameters the routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

# Ids in paths: 64-bit at most (SQLite's and PostgreSQL's bigint), never zero.
ActivityId = Annotated[int, Path(ge=1, le=2**62)]
MemberPathId = Annotated[int, Path(ge=1, le=2**62)]
AlertId = Annotated[int, Path(ge=1, le=2**62)]
