"""Reusable widgets: the architecture map, the XP header, AIDE's voice, checks, verdicts, plots."""
