"""``python -m veille.reading``: the ingest's reading stage as a process of its own.

Started by :mod:`veille.pipeline` for large inputs; reads a pickled read spec on stdin and
writes length-prefixed pickled chunks on stdout. Not a command for people.
"""

from __future__ import annotations

import sys

from veille.pipeline import serve_reading

if __name__ == "__main__":
    serve_reading(sys.stdin.buffer, sys.stdout.buffer)
