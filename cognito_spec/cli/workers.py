"""Forked worker processes for ``cognito-spec validate --jobs``: one function over a stream of tasks,
the results in task order, computed by the main process and ``jobs - 1`` forks of it.

The main process validates too: with two CPUs, a main process that only hands out tasks and collects
results leaves one of three processes mostly idle and makes the other two share the CPUs with it.
So ``--jobs 2`` is the main process and one worker.  The workers come first: a worker holds up to
``depth`` tasks (one at work, the rest queued in its pipe), and the main process takes the next task
for itself only when every worker holds that many, after writing theirs; while it works, the workers
work through their queues, and it refills them before it takes another.  A worker then never waits
for the main process, and the main process's share adapts to its speed (it also prints).

Why not :class:`multiprocessing.Pool`: a worker that dies (the out-of-memory killer, ``kill -9``)
takes its task with it and ``Pool`` waits for that result forever -- the run hung.  Here each worker
has its own pair of pipes, so the main process knows which tasks a worker holds and sees it die (its
end of the result pipe closes): the run stops with one line and exit 2, at the latest when the main
process has finished the task it was working on.  It also costs less: no ``multiprocessing`` import
(25 ms, paid while the other CPU waits), no handler threads, no locks; a task is a length-prefixed
pickle written to the worker's pipe.  Once the last task is handed out, every task pipe is closed as
soon as it is written: a worker ends by itself after its last result, while the main process works.

A worker is a fork of the main process taken after it validated its first batch, so it shares the
checkers that batch compiled (and the collector is told to leave them alone: :func:`gc.freeze` just
before the fork, so no collection in a worker writes to those pages and copies them).  A worker never
returns into the main process's code: it ends with :func:`os._exit`, so no ``finally`` of the caller,
no ``atexit`` handler and no inherited unflushed ``sys.stdout`` buffer runs twice.

Signals: the workers ignore SIGINT (Ctrl-C reaches the whole foreground process group; the main
process answers it alone, and terminates them).  SIGINT is ignored while forking too, so that no
worker can get one before it ignores it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import selectors
import signal
import struct
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final, Generic, NoReturn, TypeVar

from cognito_spec.errors import WorkerError

__all__ = ["Workers", "can_fork"]

T = TypeVar("T")
R = TypeVar("R")

#: The length prefix of every message (a pickle) on a pipe.
_HEADER: Final = struct.Struct("!Q")
_READ_SIZE: Final = 1 << 16


def can_fork() -> bool:
    """Whether this platform has :func:`os.fork` (elsewhere ``--jobs`` runs in one process)."""
    return hasattr(os, "fork")


class _Worker:
    """The main process's side of one worker: its pid, its pipes, the tasks it holds."""

    def __init__(self, pid: int, tasks: int, results: int) -> None:
        self.pid = pid
        self.tasks = tasks  # write end, non-blocking; -1 once closed (the number may be reused)
        self.results = results  # read end, non-blocking; -1 once closed
        self.held: deque[int] = deque()  # numbers of the tasks sent and not yet answered, in order
        self.outgoing = bytearray()
        self.incoming = bytearray()
        self.status: int | None = None  # wait status, once reaped


class Workers(Generic[T, R]):
    """``fn`` over tasks in the main process and ``jobs - 1`` forked workers; use as a context manager
    (the exit ends the workers).  With ``jobs`` at most 1 nothing is forked and all runs in process.

    :meth:`map` yields ``fn(task)`` for each task in order.  An exception ``fn`` raises in a worker
    is raised in the main process (where the CLI turns it into its exit status); one the task
    iterator raises is raised after the results of the tasks handed out before it.
    """

    def __init__(self, fn: Callable[[T], R], jobs: int, depth: int, buffered: int) -> None:
        """``depth``: tasks a worker holds at most (one at work, the rest queued in its pipe);
        ``buffered``: tasks handed out and not yet yielded at most, all processes together (bounds
        memory when a result waits for an earlier one)."""
        self._fn = fn
        self._forks = max(jobs - 1, 0)
        self._depth = depth
        self._buffered = max(buffered, self._forks * depth + 1)
        self._workers: list[_Worker] = []

    def __enter__(self) -> Workers[T, R]:
        if not self._forks:
            return self
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            gc.freeze()
            for _ in range(self._forks):
                self._workers.append(self._fork())
        except BaseException:
            self._end(kill=True)
            raise
        finally:
            signal.signal(signal.SIGINT, previous)
        return self

    def __exit__(self, *exc: object) -> None:
        self._end(kill=exc[0] is not None)

    @property
    def pids(self) -> list[int]:
        """The workers' process ids (the main process's is not among them)."""
        return [w.pid for w in self._workers]

    # ----------------------------------------------------------------------------------------------
    # The worker's side.

    def _fork(self) -> _Worker:
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child (its coverage is not collected)
            code = 70
            try:
                for w in self._workers:  # the pipes of the workers forked before this one
                    os.close(w.tasks)
                    os.close(w.results)
                os.close(task_w)
                os.close(result_r)
                code = _serve(self._fn, task_r, result_w)
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        os.set_blocking(task_w, False)
        os.set_blocking(result_r, False)
        return _Worker(pid, task_w, result_r)

    # ----------------------------------------------------------------------------------------------
    # The main process's side.

    def map(self, tasks: Iterable[T]) -> Iterator[R]:
        """``fn(task)`` for every task, in task order."""
        if not self._workers:
            for task in tasks:
                yield self._fn(task)
            return
        source = _marking_last(tasks)
        sent = 0  # tasks handed out (to a worker or to the main process itself)
        given = 0  # results yielded
        done: dict[int, R] = {}
        failure: Exception | None = None
        exhausted = False
        closing = False  # the last task is handed out: close the task pipes
        depth, workers = self._depth, self._workers
        sel = selectors.DefaultSelector()
        try:
            for w in workers:
                sel.register(w.results, selectors.EVENT_READ, w)
            while True:
                mine = False  # whether the main process takes ``task`` itself
                while not exhausted and sent - given < self._buffered:
                    try:
                        task, last = next(source)
                    except StopIteration:
                        exhausted = closing = True
                        break
                    except Exception as exc:  # reading failed: what was handed out is reported first
                        failure, exhausted, closing = exc, True, True
                        break
                    closing = closing or last
                    w = min(workers, key=lambda w: len(w.held))
                    if len(w.held) >= depth:
                        # Results that came meanwhile free their slots: without this look, a main
                        # process that just yielded took batch after batch while a worker waited.
                        self._poll(sel, done, 0)
                        w = min(workers, key=lambda w: len(w.held))
                    if len(w.held) >= depth:  # every worker has its fill: this one is the main's
                        mine = True
                        break
                    w.held.append(sent)
                    sent += 1
                    self._send(sel, w, task)
                if closing:
                    for w in workers:
                        self._close_tasks(w)
                if mine:
                    # The workers' tasks are written: they work while the main process does its own.
                    done[sent] = self._fn(task)
                    sent += 1
                if given in done:
                    yield done.pop(given)
                    given += 1
                    continue
                if exhausted and given == sent:
                    break
                # After a task of its own the main process only looks (a result, a worker's end).
                self._poll(sel, done, 0 if mine else None)
        finally:
            sel.close()
        if failure is not None:
            raise failure

    def _poll(self, sel: selectors.BaseSelector, done: dict[int, R], timeout: float | None) -> None:
        """Write what waits, read what came (into ``done``), waiting up to ``timeout`` for either."""
        for key, events in sel.select(timeout):
            w = key.data
            if events & selectors.EVENT_WRITE:
                self._flush(sel, w)
            if events & selectors.EVENT_READ:
                for number, value in self._receive(sel, w):
                    done[number] = value

    def _send(self, sel: selectors.BaseSelector, w: _Worker, task: T) -> None:
        payload = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
        w.outgoing += _HEADER.pack(len(payload))
        w.outgoing += payload
        self._flush(sel, w)

    def _flush(self, sel: selectors.BaseSelector, w: _Worker) -> None:
        """Write what the pipe takes now; the rest when the selector says it is writable (a worker
        busy with a large result must not wait for the main process, stuck writing it a task)."""
        try:
            while w.outgoing:
                n = os.write(w.tasks, w.outgoing)
                del w.outgoing[:n]
        except BlockingIOError:
            pass
        except BrokenPipeError:
            self._died(w)
        # The write end is watched only while something waits to be sent.
        registered = w.tasks in sel.get_map()
        if w.outgoing and not registered:
            sel.register(w.tasks, selectors.EVENT_WRITE, w)
        elif not w.outgoing and registered:
            sel.unregister(w.tasks)

    def _close_tasks(self, w: _Worker) -> None:
        """No more tasks: close the worker's task pipe once what it holds is written (it then ends
        after its last result); the selector watches it only while something waits (:meth:`_flush`)."""
        if w.tasks >= 0 and not w.outgoing:
            os.close(w.tasks)
            w.tasks = -1

    def _receive(self, sel: selectors.BaseSelector, w: _Worker) -> Iterator[tuple[int, R]]:
        ended = False
        try:
            while True:
                chunk = os.read(w.results, _READ_SIZE)
                if not chunk:
                    ended = True
                    break
                w.incoming += chunk
        except BlockingIOError:
            pass
        view = w.incoming
        while len(view) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(view)
            if len(view) < _HEADER.size + size:
                break
            ok, value = pickle.loads(view[_HEADER.size : _HEADER.size + size])
            del view[: _HEADER.size + size]
            number = w.held.popleft()
            if not ok:
                raise value
            yield number, value
        if ended:
            # Its pipe closed: after its last task and with a clean exit, the worker is done.
            sel.unregister(w.results)
            os.close(w.results)
            w.results = -1
            w.status = os.waitpid(w.pid, 0)[1]
            if w.held or w.tasks >= 0 or w.incoming or not _clean(w.status):
                self._died(w)

    def _died(self, w: _Worker) -> NoReturn:
        if w.status is None:
            w.status = os.waitpid(w.pid, 0)[1]
        status = w.status
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = f"signal {sig}"
            how = f"was killed by {name}" + (
                " (the out-of-memory killer sends it)" if sig == signal.SIGKILL else ""
            )
        else:
            how = f"exited with status {os.waitstatus_to_exitcode(status)}"
        raise WorkerError(
            f"a worker process {how}; the output is incomplete (run again, or with fewer --jobs)"
        )

    def _end(self, kill: bool) -> None:
        """Close the pipes (an idle worker then ends by itself) and reap every worker; first
        terminate them when the run did not end well (Ctrl-C, a closed pipe, an error)."""
        for w in self._workers:
            if kill and w.status is None:
                with contextlib.suppress(ProcessLookupError):  # already gone
                    os.kill(w.pid, signal.SIGTERM)
            for fd in (w.tasks, w.results):
                if fd >= 0:
                    os.close(fd)
            w.tasks = w.results = -1
        for w in self._workers:
            if w.status is None:
                try:
                    w.status = os.waitpid(w.pid, 0)[1]
                except ChildProcessError:  # pragma: no cover - reaped by someone else
                    w.status = 0
        self._workers = []


def _marking_last(tasks: Iterable[T]) -> Iterator[tuple[T, bool]]:
    """``(task, whether no task follows)``, one task ahead; when the iterator fails after a task,
    that task comes first, marked last, and the exception at the next call."""
    source = iter(tasks)
    try:
        task = next(source)
    except StopIteration:
        return
    while True:
        try:
            following = next(source)
        except StopIteration:
            yield task, True
            return
        except Exception:
            yield task, True
            raise
        yield task, False
        task = following


def _clean(status: int) -> bool:
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _read_exactly(fd: int, n: int) -> bytes | None:  # pragma: no cover - runs in the child
    """``n`` bytes from ``fd`` (blocking); None at the end of the input before the first byte."""
    parts: list[bytes] = []
    got = 0
    while got < n:
        chunk = os.read(fd, n - got)
        if not chunk:
            if got == 0:
                return None
            raise EOFError("the main process closed the pipe inside a message")
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:  # pragma: no cover - runs in the child
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _serve(fn: Callable[[Any], Any], tasks: int, results: int) -> int:  # pragma: no cover - child
    """The worker's loop: read a task, answer ``(True, fn(task))`` or ``(False, exception)``, until
    the main process closes the pipe (exit status 0); a pipe the main process left (it ended): 0 too,
    it is gone and reports for itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        while True:
            header = _read_exactly(tasks, _HEADER.size)
            if header is None:
                return 0
            (size,) = _HEADER.unpack(header)
            payload = _read_exactly(tasks, size)
            assert payload is not None
            try:
                answer: tuple[bool, Any] = (True, fn(pickle.loads(payload)))
                data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                data = _pickled_failure(exc)
            _write_all(results, _HEADER.pack(len(data)) + data)
    except (BrokenPipeError, EOFError):
        return 0


def _pickled_failure(exc: Exception) -> bytes:  # pragma: no cover - runs in the child
    """The worker's exception for the main process to raise; when it cannot be pickled, one of the
    same type name, without its message (which may quote a secret), is raised instead."""
    try:
        return pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        stand_in = RuntimeError(f"{type(exc).__name__} in a worker process (not picklable)")
        return pickle.dumps((False, stand_in), protocol=pickle.HIGHEST_PROTOCOL)
