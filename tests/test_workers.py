"""``cognito_spec.cli.workers``: the main process and ``jobs - 1`` forked workers over a stream of tasks.

What ``validate --jobs`` relies on: the results come in task order whoever computed them; the main
process takes a share (a task only when every worker holds its fill, so the workers never wait for
it); a worker that dies ends the run with :class:`WorkerError` within a task; the task pipes close
as soon as the last task is handed out, so the workers end by themselves; and with one job nothing
is forked.  The CLI's side (same output for any ``--jobs``, Ctrl-C, a worker killed in a real run) is
in test_cli_validate.
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_spec.cli import validate as _cli_validate
from cognito_spec.cli.workers import Workers, can_fork
from cognito_spec.errors import WorkerError

pytestmark = pytest.mark.skipif(not can_fork(), reason="workers are forks (os.fork)")

MAIN = os.getpid()


def tagged(task: int) -> tuple[int, int]:
    """The task's result and the process that computed it."""
    return task * task, os.getpid()


def slow(task: float) -> tuple[float, int]:
    time.sleep(task)
    return task, os.getpid()


def _exited(pid: int) -> bool:
    """Whether the child ``pid`` has ended (without reaping it: the pool still will)."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _gone(pid: int) -> bool:
    """Whether ``pid`` is ended and reaped (no zombie left)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# --------------------------------------------------------------------------------------------------
# Results in order, and who computes them


@settings(deadline=None, max_examples=25)
@given(
    tasks=st.lists(st.integers(-1000, 1000), max_size=40),
    jobs=st.integers(1, 3),
    depth=st.integers(1, 3),
    buffered=st.integers(0, 8),
)
def test_the_results_are_the_function_s_in_task_order(
    tasks: list[int], jobs: int, depth: int, buffered: int
) -> None:
    with Workers(tagged, jobs, depth, buffered) as pool:
        got = list(pool.map(tasks))
        pids = pool.pids
    assert [value for value, _ in got] == [t * t for t in tasks]
    assert len(pids) == jobs - 1
    assert {pid for _, pid in got} <= {MAIN, *pids}


def test_the_workers_are_fed_first_and_the_main_process_takes_a_share() -> None:
    # Equal tasks: the worker gets the first `depth` (one at work, one queued); the main process
    # takes the next only then, and from there on both keep busy, so each does a good part.
    with Workers(slow, 2, 2, 6) as pool:
        got = list(pool.map([0.01] * 40))
        (worker,) = pool.pids
    by = [pid for _, pid in got]
    assert by[:2] == [worker, worker] and by[2] == MAIN
    assert by.count(MAIN) >= 8 and by.count(worker) >= 8


def timed(task: float) -> tuple[int, float, float]:
    start = time.monotonic()  # one clock for every process
    time.sleep(task)
    return os.getpid(), start, time.monotonic()


def test_a_worker_never_waits_for_the_main_process() -> None:
    # Its next task is queued before it ends one: from one to the next is a read from its pipe, far
    # less than a task (it was a whole task when the main process took its own on stale counts).
    with Workers(timed, 2, 2, 6) as pool:
        got = list(pool.map([0.1] * 20))
        (worker,) = pool.pids
    spans = [(start, end) for pid, start, end in got if pid == worker]
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(spans)]
    # Half a task at most: room for a loaded machine's scheduling, none for a task's wait.
    assert len(spans) >= 6 and max(gaps) < 0.05, gaps


def test_the_main_process_takes_a_task_only_when_every_worker_holds_its_fill() -> None:
    # Two workers of depth 1: tasks 0 and 1 go to them, task 2 is the main process's.  Their tasks
    # outlast the main process's choice (a worker that had already answered would not hold its fill,
    # and task 2 would rightly be its own).
    with Workers(slow, 3, 1, 0) as pool:
        got = list(pool.map([0.5, 0.5, 0.0]))
        pids = pool.pids
    assert sorted(pid for _, pid in got[:2]) == sorted(pids)
    assert got[2][1] == MAIN


def test_one_job_forks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("forked")

    monkeypatch.setattr(os, "fork", no_fork)
    with Workers(tagged, 1, 2, 3) as pool:
        assert list(pool.map(range(5))) == [(t * t, MAIN) for t in range(5)]
        assert pool.pids == []


def test_a_small_capture_runs_in_one_process_whatever_jobs_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Below PARALLEL_MIN_BYTES forking costs more than it saves: --jobs 2 forks nothing.
    from cognito_spec.cli import main

    def no_fork() -> int:
        raise AssertionError("forked")

    path = tmp_path / "c.jsonl"
    path.write_text('{"not": "an exchange"}\n' * 100)
    assert path.stat().st_size < _cli_validate.PARALLEL_MIN_BYTES
    one = main(["validate", "--jobs", "1", str(path)]), capsys.readouterr()
    monkeypatch.setattr(os, "fork", no_fork)
    assert (main(["validate", "--jobs", "2", str(path)]), capsys.readouterr()) == one


# --------------------------------------------------------------------------------------------------
# Failures


def _dies(task: int) -> int:
    if os.getpid() != MAIN:
        time.sleep(0.2)  # the main process has written both its tasks and started its own
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.6)  # the main process's own task: the worker is dead by its end
    return task


def test_a_worker_that_dies_ends_the_map_within_the_main_process_s_task() -> None:
    # Tasks 0 and 1 go to the worker, which dies on the first; task 2 is the main process's, and
    # when it is done the main process sees the death before it takes another.
    mains: list[int] = []

    def fn(task: int) -> int:
        if os.getpid() == MAIN:
            mains.append(task)
        return _dies(task)

    with Workers(fn, 2, 2, 6) as pool:
        (worker,) = pool.pids
        with pytest.raises(WorkerError, match=r"killed by SIGKILL.*incomplete"):
            list(pool.map(range(100)))
    assert mains == [2]
    assert _gone(worker)


def test_a_worker_that_exits_is_named_by_its_status() -> None:
    def fn(task: int) -> int:
        if os.getpid() != MAIN:
            os._exit(3)
        return task

    with pytest.raises(WorkerError, match="exited with status 3"), Workers(fn, 2, 2, 6) as pool:
        list(pool.map(range(10)))


class _Unpicklable(Exception):
    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("no")


def test_an_exception_in_a_worker_is_raised_in_the_main_process() -> None:
    def fn(task: int) -> int:
        if os.getpid() != MAIN:
            raise LookupError(f"task {task}")
        return task

    with pytest.raises(LookupError, match="task 0"), Workers(fn, 2, 2, 6) as pool:
        list(pool.map(range(10)))

    def secret(task: int) -> int:
        if os.getpid() != MAIN:
            raise _Unpicklable("a secret")
        return task

    # One that cannot cross the pipe: its type name, not its message.
    with (
        pytest.raises(RuntimeError, match="_Unpicklable in a worker") as info,
        Workers(secret, 2, 2, 6) as pool,
    ):
        list(pool.map(range(10)))
    assert "a secret" not in str(info.value)


def test_a_failing_task_iterator_fails_after_the_results_of_the_tasks_before_it() -> None:
    def tasks() -> Iterator[int]:
        yield from range(7)
        raise OSError("the capture went away")

    got: list[int] = []
    with pytest.raises(OSError, match="went away"), Workers(tagged, 2, 2, 6) as pool:
        got.extend(value for value, _ in pool.map(tasks()))
    assert got == [t * t for t in range(7)]


# --------------------------------------------------------------------------------------------------
# The end of the run


def test_the_task_pipes_close_when_the_last_task_is_handed_out(tmp_path: Path) -> None:
    # Three tasks of depth 2: the worker gets 0 and 1, the main process 2, the last.  Its pipe is
    # closed before the main process starts on it, so the worker ends by itself meanwhile.  The
    # worker holds task 0 until the main process has started task 2 (a marker file): a worker that
    # answered task 0 first would free a slot, and task 2 would rightly be its own (CI saw that).
    started = tmp_path / "main-started"
    pids: list[int] = []
    seen: list[bool] = []

    def fn(task: int) -> int:
        deadline = time.monotonic() + 10
        if os.getpid() == MAIN:
            started.touch()
            while not _exited(pids[0]) and time.monotonic() < deadline:
                time.sleep(0.005)
            seen.append(_exited(pids[0]))
        elif task == 0:
            while not started.exists() and time.monotonic() < deadline:
                time.sleep(0.005)
        return task

    with Workers(fn, 2, 2, 6) as pool:
        pids.extend(pool.pids)
        assert list(pool.map(range(3))) == [0, 1, 2]
    assert seen == [True]


def test_every_worker_is_reaped_whatever_ends_the_run() -> None:
    with Workers(tagged, 3, 2, 6) as pool:
        pids = pool.pids
        list(pool.map(range(20)))
    assert all(_gone(pid) for pid in pids)

    def consume(pool: Workers[float, tuple[float, int]]) -> None:
        for _ in pool.map([0.05] * 20):
            raise KeyError("the consumer failed")

    with pytest.raises(KeyError), Workers(slow, 3, 2, 6) as slow_pool:  # noqa: PT012 - the exit is tested
        pids = slow_pool.pids
        consume(slow_pool)
    assert all(_gone(pid) for pid in pids)
