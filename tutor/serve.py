"""`aide serve`: the same app in a web browser, each visitor running their own `aide` process."""

from __future__ import annotations

import argparse
import shlex
import sys


def run(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    command = shlex.join([sys.executable, "-m", "tutor"])
    Server(command, host=args.host, port=args.port, title="AIDE").serve()
    return 0
