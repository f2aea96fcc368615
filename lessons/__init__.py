"""The curriculum as data: graph.yaml, lexicon.yaml, faq.yaml and one folder per lesson."""

from pathlib import Path

LESSONS_DIR = Path(__file__).resolve().parent
