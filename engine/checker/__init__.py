"""Judging a learner's code cell against the engine's reference.

`run.check(spec, code, filename)` is the whole pipeline; the modules are its steps:
`spec` (the challenge as data), `inputs` (named dims bound to distinct sizes, random inputs),
`trace` (every torch op the learner's lines run), `shape_names` (sizes back to dim names, and
shape errors rewritten with them), `compare` (outputs and intermediates against the reference),
`mistakes` (known wrong versions), `verdict` (the result the tutor shows).
"""
