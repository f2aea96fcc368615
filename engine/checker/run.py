"""Judge one code cell: run it on every trial beside the reference and explain what differs.

Runs inside the sandbox child (engine.sandbox), so it may change global torch state freely.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import time
import traceback
from dataclasses import dataclass

import torch

from engine.checker import mistakes
from engine.checker.compare import Mismatch, compare_output, describe_divergence, match_steps
from engine.checker.inputs import Call, Trial, dtype_of, make_call, make_trials
from engine.checker.shape_names import DimNames, explain_op_failure, trace_table
from engine.checker.spec import ChallengeSpec, FunctionSpec, parse_spec
from engine.checker.trace import Forbidden, ForbiddenOpError, LearnerTrace, register_source
from engine.checker.verdict import MAX_TRACE_ROWS, Verdict


def check(raw_spec: dict, code: str, filename: str = "cell.py") -> dict:
    """The verdict (as a dict) on `code` for the challenge `raw_spec`."""
    started = time.perf_counter()
    verdict = judge(parse_spec(raw_spec), code, filename)
    verdict.duration_ms = round((time.perf_counter() - started) * 1000, 1)
    return verdict.to_dict()


@dataclass
class Failure:
    function: FunctionSpec
    trial: Trial
    mismatch: Mismatch
    tracer: LearnerTrace
    steps: dict | None  # the reference's explain steps for this trial


def judge(spec: ChallengeSpec, code: str, filename: str) -> Verdict:
    dtype = dtype_of(spec)
    torch.set_default_dtype(dtype)  # `torch.ones(T, T)` in learner code matches the inputs
    forbidden = Forbidden.resolve(spec.forbid)
    entries = _load_cell(spec, code, filename, forbidden)
    if isinstance(entries, Verdict):
        return entries

    calls: dict[str, list[Call]] = {f.entry: [] for f in spec.functions}
    outputs: dict[str, list] = {f.entry: [] for f in spec.functions}
    first_table: list[dict] = []
    failure: Failure | None = None
    trials = make_trials(spec)
    for trial in trials:
        names = DimNames(trial.sizes)
        for function in spec.functions:
            call = make_call(function, trial, dtype)
            expected, steps = _run_reference(function, call)
            tracer = LearnerTrace(filename, forbidden, keep_values=function.explain and failure is None)
            args, kwargs = call.fresh()
            torch.manual_seed(trial.seed)
            try:
                with tracer:
                    got = entries[function.entry](*args, **kwargs)
            except BaseException as error:
                if failure is not None:  # the first problem, in trial order, is the one to fix
                    return _failed(spec, failure, calls, outputs, len(trials))
                verdict = _raised(error, function.entry, tracer, names, filename, trial.index + 1)
                if trial.index > 0:  # earlier trials ran: this one's inputs are the likely cause
                    verdict.summary += _special_inputs(trial, len(trials))
                return verdict
            if tracer.forbidden_use is not None:  # raised, then swallowed by the learner's code
                return _forbidden(tracer.forbidden_use, trial.index + 1)
            if not first_table:
                first_table = trace_table(tracer.records, names, MAX_TRACE_ROWS)
            calls[function.entry].append(call)
            outputs[function.entry].append(got)
            mismatch = compare_output(got, expected, function.output, names)
            if mismatch is not None and failure is None:
                failure = Failure(function, trial, mismatch, tracer, steps)

    if failure is None:
        return Verdict("pass", f"All {len(trials)} trials match the reference.",
                       trace=first_table, trials=len(trials))
    return _failed(spec, failure, calls, outputs, len(trials))


def _load_cell(spec: ChallengeSpec, code: str, filename: str, forbidden: Forbidden) -> dict | Verdict:
    """The learner's entry functions by name, or the verdict on a cell that cannot provide them."""
    try:
        tree = ast.parse(code, filename)
    except SyntaxError as error:
        return Verdict("error", f"line {error.lineno}: syntax error: {error.msg}", line=error.lineno)
    line = _engine_import_line(tree)
    if line is not None:
        return Verdict("fail", f"line {line}: the engine holds the reference answers, so a cell may "
                               "not import it: write this with torch alone.", line=line)
    register_source(filename, code)
    namespace = {"__name__": "__cell__", "__file__": filename, "__builtins__": builtins}
    tracer = LearnerTrace(filename, forbidden, keep_values=False)
    try:
        with tracer:
            exec(compile(tree, filename, "exec"), namespace)
    except BaseException as error:
        return _raised(error, "", tracer, DimNames({}), filename, 0)
    entries = {}
    for function in spec.functions:
        entry = namespace.get(function.entry)
        if not callable(entry):
            return Verdict("error", f"define a function named `{function.entry}`")
        entries[function.entry] = entry
    return entries


def _engine_import_line(tree: ast.AST) -> int | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        if any(module.split(".")[0] == "engine" for module in modules):
            return node.lineno
    return None


def _special_inputs(trial: Trial, count: int) -> str:
    """" (trial 5 of 5, where bias=None)": what is special about the trial that raised, since an
    input the other trials did not have (no mask, B=1, a None) is often the cause."""
    overrides = []
    for name, value in (trial.spec.get("args") or {}).items():
        if value == "omit":
            overrides.append(f"{name} is not passed")
        elif isinstance(value, dict) and "value" not in value:
            overrides.append(f"{name} is a {value.get('kind', 'tensor')}"
                             + (" with a fully masked row" if value.get("full_rows") else ""))
        else:
            literal = value.get("value") if isinstance(value, dict) else value
            overrides.append(f"{name}={literal!r}")
    overrides += [f"{dim}={size}" for dim, size in (trial.spec.get("sizes") or {}).items()]
    where = f", where {', '.join(overrides)}" if overrides else ""
    return f" (trial {trial.index + 1} of {count}{where})"


def _run_reference(function: FunctionSpec, call: Call):
    module_name, _, attr = function.reference.partition(":")
    reference = getattr(importlib.import_module(module_name), attr)
    args, kwargs = call.fresh()
    if function.explain:
        out, steps = reference(*args, **kwargs, explain=True)
        return out, steps
    return reference(*args, **kwargs), None


def _failed(spec: ChallengeSpec, failure: Failure, calls, outputs, trial_count: int) -> Verdict:
    entry = failure.function.entry
    names = DimNames(failure.trial.sizes)
    table = trace_table(failure.tracer.records, names, MAX_TRACE_ROWS)
    mismatch = failure.mismatch
    divergence, line = None, None
    if failure.steps is not None and mismatch.kind in ("value", "nan"):
        module = importlib.import_module(failure.function.reference.partition(":")[0])
        labels = getattr(module, "STEP_LABELS", {})
        divergence, line = describe_divergence(match_steps(failure.steps, failure.tracer.records), labels)
    mistake = mistakes.identify(spec, entry, calls[entry], outputs[entry])
    where = f"`{entry}`, trial {failure.trial.index + 1} of {trial_count}"
    if mistake is not None:
        summary = f"{mistake.title} ({where})."
    elif mismatch.kind == "nan":
        summary = f"NaN in your output where the reference is finite ({where})."
    else:
        summary = f"{mismatch.message} ({where})."
    return Verdict(
        "fail",
        summary,
        mistake=mistake.id if mistake else None,
        mistake_title=mistake.title if mistake else None,
        hint=mistake.hint if mistake else None,
        shape_error=mismatch.message if mismatch.kind == "shape" else None,
        divergence=divergence,
        line=line,
        trace=table,
        trials=trial_count,
    )


def _forbidden(use, trials: int) -> Verdict:
    return Verdict(
        "fail",
        f"line {use.line}: `{use.name}` is off limits in this challenge: "
        "build it from the operations it is made of.",
        line=use.line,
        trials=trials,
    )


def _raised(error: BaseException, entry: str, tracer: LearnerTrace, names: DimNames,
            filename: str, trials: int) -> Verdict:
    """A verdict for learner code that raised, pointing at the learner's line."""
    table = trace_table(tracer.records, names, MAX_TRACE_ROWS)
    if isinstance(error, ForbiddenOpError) or tracer.forbidden_use is not None:
        return _forbidden(tracer.forbidden_use, trials)
    line = _learner_line(error, filename)
    at = f"line {line}: " if line else ""
    if isinstance(error, NotImplementedError):
        what = f"`{entry}`" if entry else "your code"
        return Verdict("fail", f"{at}{what} is not written yet (it raises NotImplementedError).",
                       line=line, trials=trials)
    if isinstance(error, SystemExit):
        return Verdict("error", f"{at}your code called sys.exit(); return a value instead.",
                       line=line, trials=trials)
    if isinstance(error, MemoryError) or "can't allocate memory" in str(error):
        return Verdict("error", f"{at}out of memory: your code asked for more memory than a cell may use.",
                       line=line, trials=trials, trace=table)
    if tracer.failure is not None and error is tracer.failure_error:
        message = explain_op_failure(tracer.failure, error, names)
        return Verdict("error", message, shape_error=message, line=tracer.failure.line,
                       trace=table, trials=trials)
    detail = "".join(traceback.format_exception_only(error)).strip().splitlines()[-1]
    return Verdict("error", f"{at}{detail}", line=line, trace=table, trials=trials)


def _learner_line(error: BaseException, filename: str) -> int | None:
    """The line of the innermost learner frame in the error's traceback."""
    line = getattr(error, "lineno", None) if isinstance(error, SyntaxError) else None
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == filename:
            line = frame.tb_lineno
        frame = frame.tb_next
    return line
