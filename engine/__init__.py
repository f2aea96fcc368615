"""The reference engine: a readable torch implementation of the whole transformer.

Everything that imports torch lives in this package; the tutor talks to it only through the
worker process (`python -m engine.worker`). Importing `engine` itself stays cheap: each
submodule imports torch when it is imported.
"""
