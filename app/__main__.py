"""Entry point: `python -m app` and the `compassion-companion` console script."""

from __future__ import annotations

import sys

from app.cli import run


def main() -> int:
    """Run the command line (or the app) and return its exit code."""
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
