"""The ``supportkit`` command line.

Each building block contributes its own subcommands: a module
``supportkit/<block>/_cli.py`` with a ``register(subparsers)`` function is picked
up here, so adding a command never means editing this file. Handlers return an
exit code: 0 success, 1 findings, 2 bad input. A :class:`SupportkitError` becomes a
one-line message on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from supportkit._blocks import block_modules
from supportkit.exceptions import SupportkitError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered subcommand."""
    from supportkit import __version__
    from supportkit._demo import register as register_demo

    parser = argparse.ArgumentParser(
        prog="supportkit",
        description="Keyword rules, working-time SLAs, onboarding flows and support metrics.",
    )
    parser.add_argument("--version", action="version", version=f"supportkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_demo(sub)
    for module in block_modules("_cli"):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args) or 0)
    except SupportkitError as exc:
        print(f"supportkit: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `supportkit ... | head` closed the pipe: not an error
        sys.stderr.close()
        return 0
