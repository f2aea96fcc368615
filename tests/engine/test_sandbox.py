"""The fork-per-job runner, with pure-Python jobs (no torch in the children)."""

import os
import signal
import time

from engine.sandbox import OUTPUT_CAP, TRUNCATED_NOTE, run_job


def test_a_job_returns_its_value_and_its_output_apart():
    def job(report):
        print("hello from the job")
        return {"answer": 42}

    result = run_job(job, timeout_s=2)
    assert (result.status, result.value) == ("ok", {"answer": 42})
    assert result.output == "hello from the job\n"


def test_progress_is_streamed_before_the_result():
    seen = []

    def job(report):
        for step in range(3):
            report({"step": step})
        return "done"

    result = run_job(job, timeout_s=2, on_progress=seen.append)
    assert seen == [{"step": 0}, {"step": 1}, {"step": 2}] and result.value == "done"


def test_an_exception_is_reported_not_raised():
    def job(report):
        raise ValueError("bad input")

    result = run_job(job, timeout_s=2)
    assert result.status == "raised" and result.error == "ValueError: bad input"


def test_sleeping_past_the_wall_limit_times_out_on_time():
    started = time.perf_counter()
    result = run_job(lambda report: time.sleep(100), timeout_s=0.5)
    assert result.status == "timeout"
    assert time.perf_counter() - started < 1.5


def test_an_interrupted_job_says_where_it_was():
    def stuck(report):
        time.sleep(100)

    result = run_job(stuck, timeout_s=0.3, on_interrupt=lambda frame: {"function": frame.f_code.co_name})
    assert (result.status, result.value) == ("timeout", {"function": "stuck"})


def test_the_other_limit_firing_while_the_child_answers_does_not_lose_the_answer():
    # The wall limit's SIGUSR1 and RLIMIT_CPU's SIGXCPU often arrive together (a busy loop uses
    # its CPU budget just as its wall time runs out). A second handler nested in the first used
    # to break its write ("reentrant call inside BufferedWriter"), and the line was lost.
    def where(frame):
        os.kill(os.getpid(), signal.SIGXCPU)
        return {"function": frame.f_code.co_name}

    def stuck(report):
        time.sleep(100)

    result = run_job(stuck, timeout_s=0.3, on_interrupt=where)
    assert (result.status, result.value) == ("timeout", {"function": "stuck"})


def test_a_failing_on_interrupt_still_gives_a_timeout():
    result = run_job(lambda report: time.sleep(100), timeout_s=0.3, on_interrupt=lambda frame: 1 / 0)
    assert (result.status, result.value) == ("timeout", {})


def test_a_busy_loop_is_stopped_by_the_cpu_limit():
    def spin(report):
        while True:
            pass

    result = run_job(spin, timeout_s=5, cpu_s=1)
    assert result.status == "timeout" and result.signal == signal.SIGXCPU
    assert result.duration_ms < 4000  # one CPU second, well before the wall limit


def test_memory_beyond_the_budget_fails_inside_the_job():
    result = run_job(lambda report: len(bytearray(2 << 30)), timeout_s=2, memory_bytes=256 << 20)
    assert result.status == "raised" and result.error.startswith("MemoryError")


def test_a_print_flood_is_stopped_at_the_cap():
    def flood(report):
        while True:
            print("x" * 100)

    result = run_job(flood, timeout_s=5)
    assert result.status == "flood" and result.duration_ms < 1000
    assert result.output.endswith(TRUNCATED_NOTE)
    assert len(result.output) == OUTPUT_CAP + len(TRUNCATED_NOTE)


def test_os_exit_and_signals_are_crashes():
    exited = run_job(lambda report: os._exit(3), timeout_s=2)
    assert (exited.status, exited.exit_code) == ("crashed", 3)
    killed = run_job(lambda report: os.kill(os.getpid(), signal.SIGSEGV), timeout_s=2)
    assert (killed.status, killed.signal) == ("crashed", signal.SIGSEGV)


def test_the_job_cannot_read_the_parents_stdin():
    assert run_job(lambda report: input(), timeout_s=2).error.startswith("EOFError")
