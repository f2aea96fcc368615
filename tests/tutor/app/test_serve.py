"""`aide serve` answers in a browser: the page that embeds the app is served."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_serve_answers_with_the_app_page():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tutor", "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/", timeout=2) as reply:
                    page = reply.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "aide serve did not answer"
                time.sleep(0.2)
        assert "AIDE" in page
    finally:
        server.terminate()
        server.wait(10)
