"""AIDE, the terminal tutor: the Textual app, the command line, lessons and progress.

This package never imports torch: start-up stays fast and learner code runs in the worker.
"""

__version__ = "0.1.0"
