"""The `aide` command line: the app by default, and the maintenance subcommands.

Each subcommand's handler lives in a module named after it and is imported only when that
subcommand runs, so `aide` itself starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tutor import __version__

# subcommand -> "module:function"; each handler takes the parsed args and returns an exit code.
HANDLERS = {
    None: "tutor.app:run",
    "serve": "tutor.serve:run",
    "check": "tutor.check_command:run",
    "lessons": "tutor.lessons_command:run",
    "progress": "tutor.progress_command:run",
    "reset": "tutor.progress_command:reset",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aide",
        description="AIDE: learn how transformers work, from tokens to KV-cache, in your terminal.",
    )
    parser.add_argument("--version", action="version", version=f"aide {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the app in a web browser")
    serve.add_argument("--host", default="localhost")
    serve.add_argument("--port", type=int, default=8000)

    check = sub.add_parser("check", help="check a code file against a challenge")
    check.add_argument("challenge", nargs="?", help="challenge id, e.g. attention/scaled-dot-product")
    check.add_argument("file", nargs="?", help="the Python file with your solution")
    check.add_argument("--json", action="store_true", help="print the verdict as JSON")
    check.add_argument("--list", action="store_true", help="list the challenge ids")

    lessons = sub.add_parser("lessons", help="list or validate the lessons")
    lessons.add_argument("--validate", action="store_true",
                         help="load every lesson and prove every reference passes, every starter fails")
    lessons.add_argument("--path", help="a lessons folder (default: the installed one)")
    lessons.add_argument("--json", action="store_true", help="print the report as JSON")

    progress = sub.add_parser("progress", help="show, export or import your progress")
    progress.add_argument("action", nargs="?", choices=["export", "import"])
    progress.add_argument("file", nargs="?", help="the JSON file to export to or import from")
    progress.add_argument("--json", action="store_true", help="print the summary as JSON")

    reset = sub.add_parser("reset", help="forget progress (all of it, or one lesson's)")
    reset.add_argument("lesson", nargs="?", help="a lesson id (default: everything)")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module_name, _, function_name = HANDLERS[args.command].partition(":")
    handler = getattr(importlib.import_module(module_name), function_name)
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `aide check --list | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
