"""The UI process stays light: building and showing the app imports neither torch nor the engine.

Checked in a fresh interpreter, since other tests in the same session may import torch.
"""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import asyncio, json, sys
from tutor.app import make_app

async def main():
    app = make_app(typing=False)
    async with app.run_test() as pilot:
        await pilot.press("enter", "enter")  # close AIDE's first-launch hello, open the lesson
        await pilot.pause()
        screens = [type(s).__name__ for s in app.screen_stack]
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "engine", "numpy"))
    print(json.dumps({"screens": screens, "heavy": heavy}))

asyncio.run(main())
"""


def test_ui_process_never_imports_torch_or_engine():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=60, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["screens"][-2:] == ["MapScreen", "LessonScreen"]
    assert report["heavy"] == []
