"""Start-up of the app: time to the first frame in a real terminal, and the UI's imports.

    python bench/startup.py [--runs 5]

The first frame is timed from launching `python -m tutor` in a pseudo-terminal (120×40) to the
moment the header of the map has been written. The import list comes from a separate headless
run of the app; the UI process must not import torch (the engine warms in its own process).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

COLUMNS, ROWS = 120, 40
FRAME_MARKER = b"engine"  # the header's engine status: the map's first frame is complete
TIMEOUT_S = 20.0

MODULES_SCRIPT = """
import asyncio, json, sys
from tutor.app import make_app

async def main():
    app = make_app(typing=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    print(json.dumps(sorted(sys.modules)))

asyncio.run(main())
"""


def first_frame_seconds(home: str) -> float:
    """Launch the app in a pty, wait for its first full frame, quit it; seconds to that frame."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, in a terminal of a known size
        os.environ.update(AIDE_HOME=home, TERM="xterm-256color", COLUMNS=str(COLUMNS),
                          LINES=str(ROWS))
        os.execv(sys.executable, [sys.executable, "-m", "tutor"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    seen, elapsed = b"", None
    deadline = start + TIMEOUT_S
    while elapsed is None and time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            seen += os.read(fd, 65536)
            if FRAME_MARKER in seen:
                elapsed = time.perf_counter() - start
    os.write(fd, b"q")
    _drain_until_exit(fd, pid)
    if elapsed is None:
        raise RuntimeError(f"no frame within {TIMEOUT_S:g} s")
    return elapsed


def _drain_until_exit(fd: int, pid: int) -> None:
    deadline = time.perf_counter() + TIMEOUT_S
    while time.perf_counter() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if select.select([fd], [], [], 0.05)[0]:
            try:
                os.read(fd, 65536)
            except OSError:  # the terminal closed with the app
                pass
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)


def ui_modules(home: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", MODULES_SCRIPT], capture_output=True,
                            text=True, check=True, env={**os.environ, "AIDE_HOME": home})
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        first_frame_seconds(home)  # warm the file cache and the store's first creation
        times = [first_frame_seconds(home) for _ in range(args.runs)]
        modules = ui_modules(home)
    top_level = sorted({m.split(".")[0] for m in modules if not m.startswith("_")})
    print(f"first frame: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
          f"over {args.runs} runs (goal < 500 ms: ratio {statistics.median(times) / 0.5:.2f})")
    print(f"UI process modules: {len(modules)}; torch imported: {'torch' in modules}; "
          f"engine imported: {'engine' in modules}")
    print("top-level packages: " + ", ".join(top_level))


if __name__ == "__main__":
    main()
