"""``cognito-spec validate``: captured traffic against the model.

``validate PATH... [--format text|json] [--all] [--strict] [--jobs N] [--reveal]``
    Reads HAR 1.2 and JSON-lines captures (``-`` is standard input), streaming, and checks every
    Cognito exchange with :func:`cognito_spec.traffic.check.examine`.  A finding names its entry as
    ``FILE#N``: N counts from 0, the position in the HAR's ``log.entries`` or the line of a
    JSON-lines file.  The text report groups findings that say the same thing (a count and the first
    few, see :mod:`cognito_spec.cli.report`); ``--all`` lists every finding, one line each, in input
    order; ``--format json`` writes one record per finding, in input order.  Then a summary.
    Messages are redacted unless ``--reveal``.

    The exit status is :data:`EXIT_RULE`: an error fails the run; with ``--strict`` so does a
    warning, except two kinds that say nothing against the traffic: a client fault the server
    refused as the service does (``Finding.expected``) and a finding about the capture itself
    (``Finding.side == "capture"``: a body or a response the recording did not keep, as Chrome's
    DevTools exports do).

How ``--jobs`` works, and when it does not: a regular JSON-lines file is cut into byte ranges of
whole lines (:data:`JSONL_BATCH_BYTES`) which the processes read and validate themselves: ``--jobs
N`` is the main process and N - 1 forked workers.  The main process finds the boundaries, keeps the
workers' queues full, validates a batch itself whenever they are, and prints the results in range
order, so the output, order included, is the one of ``--jobs 1``, which runs the very same batches
in process.  At most a few batches per process are in flight, so memory stays flat with any input
size.  Standard input is read by the main process, which hands blocks over once
:data:`PARALLEL_MIN_BYTES` have come.

``--jobs N`` must never be slower than ``--jobs 1`` by design, so some inputs stay in one process
(:func:`workers_for`): a HAR (one JSON document: parsing it is most of the work and cannot be split,
and shipping parsed entries to workers cost more than checking them; measured 2 x the CPU time of
``--jobs 1``), an input smaller than :data:`PARALLEL_MIN_BYTES` (starting workers costs more than it
saves), and never more processes than CPUs or than batches.

The workers are forks of the main process taken after the first batch (:data:`FIRST_BATCH_BYTES`,
validated in process), so they share the checkers it compiled; see :mod:`cognito_spec.cli.workers`.
Without :func:`os.fork` (Windows) everything runs in one process.

Ctrl-C: the workers ignore SIGINT (it reaches the whole foreground process group); the main process
gets ``KeyboardInterrupt``, terminates them, and ``cognito-spec`` prints one line and exits 130.  A
worker that dies (the out-of-memory killer, ``kill -9``) ends the run within a batch: the other
workers are terminated, one line names the signal, and the exit status is 2 (the output is
incomplete).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Final

import attrs

from cognito_spec.cli.report import GroupedReport, finding_line
from cognito_spec.cli.workers import Workers, can_fork
from cognito_spec.errors import CaptureError, UsageError
from cognito_spec.traffic.batch import (
    BatchResult,
    Reported,
    Summary,
    examine_into,
    fails_strict,
    finding_record,
    validate_lines,
)
from cognito_spec.traffic.check import Finding
from cognito_spec.traffic.fast import har_quick_parts, quick_valid
from cognito_spec.traffic.har import har_exchange, iter_har_entries
from cognito_spec.traffic.jsonl import lines_of
from cognito_spec.traffic.source import CaptureSource, open_capture

__all__ = ["EXIT_RULE", "fails_strict", "register"]

#: The cyclic collector's young-generation threshold while validating (the default is 700).
#: Validation makes no cyclic garbage per exchange (with the collector off, a run over 3,000
#: exchanges of a benchmark capture leaves the same 89 unreachable objects as a run over 1,000), yet
#: at 700 net allocations the collector ran 154 times in 6,000 exchanges (a browser's HAR and JSON
#: lines), each time walking the batch of parsed entries alive then: about 9k of the 286k
#: instructions an entry of the browser's HAR (callgrind, bench/bench_instructions.py).  At this
#: threshold those 6,000 exchanges start no collection, and what cyclic garbage an odd input makes
#: is still collected, within this bound.
YOUNG_THRESHOLD: Final = 20_000

#: The exit status, in the words of ``--help`` (and of the README).
EXIT_RULE: Final = (
    "Exit status: 0 when no finding fails the run, 1 when one does, 2 when an input is unreadable or"
    " the usage is wrong. An error always fails the run. With --strict, a warning fails it too,"
    " except an invalid request the server refused as the service does (marked expected) and a"
    " finding about the capture itself (side capture: a body or response the recording did not keep)."
)

#: Bytes of JSON lines per batch.
JSONL_BATCH_BYTES: Final = 1 << 20
#: Bytes of the first batch of a regular file, which runs in process before any worker is forked:
#: enough lines to compile the checkers of the operations a capture uses (shared with the workers
#: then), and no more, since the other CPUs wait meanwhile.  An operation first seen later is
#: compiled by each worker that meets it (CPU, not wall: they do it at the same time); with 1 MiB
#: (before) the main process validated ~40 ms more alone.
FIRST_BATCH_BYTES: Final = 64 << 10
#: Inputs smaller than this run in one process whatever ``--jobs`` says (and standard input runs in
#: process until this much has come): starting two workers takes longer than validating it.
PARALLEL_MIN_BYTES: Final = 4 << 20
#: Batches a worker holds at most: one at work, one queued in its pipe, so that it never waits for the
#: main process (which validates a batch of its own only when every worker holds this many), and a
#: batch is given to the worker that is free when its turn comes.
WORKER_DEPTH: Final = 2
#: Batches handed out and not yet reported, per process (bounds memory while keeping the workers busy).
IN_FLIGHT_PER_JOB: Final = 3
#: The progress bar appears for inputs of at least this size (or of unknown size) ...
PROGRESS_MIN_BYTES: Final = 8 << 20
#: ... and only once the run has lasted this long, so short runs never flash one.
PROGRESS_DELAY_S: Final = 0.5


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "validate",
        help="check captured traffic (HAR or JSON lines) against the model",
        description="Check every Cognito exchange of HAR 1.2 or JSON-lines captures against the model"
        " and the service's behaviour. " + EXIT_RULE,
    )
    p.epilog = (
        "Each finding is one line: FILE#N OPERATION SEVERITY SIDE LOCATION PATH [KIND]: MESSAGE, where N"
        " counts entries from 0 (HAR log.entries, or lines of a JSON-lines file) and SIDE is whom the"
        " finding is about (client, server, capture). Findings alike (same kind, messages differing only"
        " in values) are grouped: a count and the first few; --all lists every one."
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="capture file; - reads standard input")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    p.add_argument(
        "--all",
        action="store_true",
        help="text: list every finding, one line each, in input order (default: group findings alike)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="warnings also fail the run (not expected refusals, not artefacts of the capture)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="processes (this one and N-1 workers) for JSON lines of 4 MiB or more (0: one per CPU;"
        " at most one per CPU);"
        " a HAR is parsed in one process, where workers would only cost",
    )
    p.add_argument("--reveal", action="store_true", help="show sensitive values in messages")
    p.set_defaults(func=run_validate)


# --------------------------------------------------------------------------------------------------
# Batches and their results (what crosses the process boundary; results are
# :class:`~cognito_spec.traffic.batch.BatchResult`, whose indexes count lines from the batch's first:
# the main process adds the lines of the batches before it, which a worker cannot know).


@attrs.frozen
class _Batch:
    """One unit of work: whole JSON lines, as bytes or as a byte range of a regular file, which the
    worker reads itself."""

    source: str
    reveal: bool
    lines: bytes | None = None
    span: tuple[str, int, int] | None = None  # (path, start, end)


def _work(batch: _Batch) -> BatchResult:
    """Validate one batch (runs in a worker process with --jobs > 1)."""
    data = batch.lines if batch.lines is not None else _read_span(batch.span)
    return validate_lines(lines_of(data), source=batch.source, reveal=batch.reveal)


def _har_results(entries: Iterable[Any], source: str, reveal: bool, every: int) -> Iterator[BatchResult]:
    """Validate HAR entries as they come; a result every ``every`` entries.

    Each entry is dropped as soon as it is checked: entries kept alive in numbers get promoted
    through the collector's generations and make every collection slower.
    """
    tally = Summary()
    reported: Reported = []
    quick = quick_valid
    proved: list[str] = []  # the operations of the entries proved valid, counted at each result
    index = -1
    try:
        for index, entry in enumerate(entries):
            parts = har_quick_parts(entry)
            name = quick(*parts) if parts is not None else None
            if name is not None:
                proved.append(name)
            else:
                examine_into((har_exchange(entry, index, source),), reveal, tally, reported)
            if (index + 1) % every == 0:
                tally.add_proved(proved)
                yield BatchResult(source, reported, tally)
                tally = Summary()
                reported = []
                proved = []
    except CaptureError as exc:
        # What was checked before the unreadable part is reported first, as with batches.
        tally.add_proved(proved)
        yield BatchResult(source, reported, tally, failure=exc)
        return
    if (index + 1) % every != 0:
        tally.add_proved(proved)
        yield BatchResult(source, reported, tally)


def _read_span(span: tuple[str, int, int] | None) -> bytes:
    assert span is not None
    path, start, end = span
    with open(path, "rb") as fp:
        fp.seek(start)
        return fp.read(end - start)


def _batches(src: CaptureSource, reveal: bool, progress: list[int], jobs: int = 1) -> Iterator[_Batch]:
    """The batches of a JSON-lines capture, in order; ``progress[0]`` follows the bytes handed out."""
    if src.path is not None and src.size is not None:
        # A regular file: only the batch boundaries are found here (a few bytes read around each);
        # the workers read their ranges themselves, so the main process copies nothing.  Towards
        # the end the batches shrink, down to FIRST_BATCH_BYTES: each worker holds up to
        # WORKER_DEPTH of them, and with full batches the processes finish apart by up to two
        # (measured 35-47 ms of one CPU idle at 30,000 exchanges).
        with open(src.path, "rb") as fp:
            pos = src.start
            size = FIRST_BATCH_BYTES
            while pos < src.size:
                end = _line_boundary(fp, pos + size, src.size)
                yield _Batch(src.name, reveal, span=(src.path, pos, end))
                progress[0] = pos = end
                size = max(
                    FIRST_BATCH_BYTES,
                    min(JSONL_BATCH_BYTES, (src.size - pos) // (2 * WORKER_DEPTH * jobs)),
                )
        return
    # The parts of a line longer than a block are kept and joined once, when its end has come:
    # joining at every block copied a long line again each time (quadratic on a pipe).
    carry: list[bytes] = []
    while True:
        block = src.stream.read(JSONL_BATCH_BYTES)
        if not block:
            break
        cut = block.rfind(b"\n") + 1
        if not cut:
            carry.append(block)
        else:
            yield _Batch(src.name, reveal, b"".join([*carry, block[:cut]]))
            carry = [block[cut:]] if cut < len(block) else []
        progress[0] = src.consumed
    if carry:
        yield _Batch(src.name, reveal, b"".join(carry))


def _line_boundary(fp: IO[bytes], target: int, size: int) -> int:
    """The offset just after the first newline at or after ``target`` (``size`` when none)."""
    if target >= size:
        return size
    fp.seek(target)
    pos = target
    while True:
        chunk = fp.read(1 << 16)
        if not chunk:
            return size
        i = chunk.find(b"\n")
        if i >= 0:
            return min(pos + i + 1, size)
        pos += len(chunk)


def cpu_count() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - platforms without affinity


def workers_for(fmt: str, size: int | None, requested: int, cpus: int) -> int:
    """How many processes validate a capture, the main one included (1: no worker); see the module
    docstring.

    ``size`` is None for standard input, which starts in process and gets workers once it has shown
    itself large (:func:`_results`)."""
    if requested <= 1 or fmt != "jsonl" or not can_fork():
        return 1
    n = min(requested, cpus)
    if size is not None:
        if size < PARALLEL_MIN_BYTES:
            return 1
        n = min(n, -(-size // JSONL_BATCH_BYTES))
    return max(n, 1)


def _results(src: CaptureSource, reveal: bool, jobs: int, progress: list[int]) -> Iterator[BatchResult]:
    """Results in input order, computed in process or by up to ``jobs`` processes (this one too)."""
    if src.format == "har":
        # In process, a HAR needs no batches: entries go from the parser to the check one by one.
        # A regular file can be read again: the quick entry reader first, ijson when it is unusual.
        reopen = src.reopen if src.path is not None else None
        entries = iter_har_entries(src.stream, source=src.name, reopen=reopen)
        for result in _har_results(entries, src.name, reveal, 1024):
            progress[0] = src.consumed
            yield result
        return
    workers = workers_for(src.format, src.size, jobs, cpu_count())  # processes, this one included
    batches = _batches(src, reveal, progress, workers)
    if workers > 1 and src.size is None:
        # Standard input: in process until it has shown itself large enough to be worth the workers.
        for batch in batches:
            yield _work(batch)
            if src.consumed >= PARALLEL_MIN_BYTES:
                break
        else:
            return
    if workers <= 1:
        for batch in batches:
            yield _work(batch)
        return
    # The first batch in process: it compiles the checkers of the operations the capture uses,
    # which the forked workers then share instead of each compiling them again.
    for batch in batches:
        yield _work(batch)
        break
    # The main process and workers - 1 forks.  Done, interrupted (Ctrl-C, a closed pipe) or failed:
    # leaving the block ends the workers.
    with Workers(_work, workers, WORKER_DEPTH, workers * IN_FLIGHT_PER_JOB) as pool:
        yield from pool.map(batches)


# --------------------------------------------------------------------------------------------------
# Output.


class _Progress:
    """A one-line progress bar on stderr; drawn only on a terminal, for large inputs, after a delay."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def update(self, src: CaptureSource, done: int, exchanges: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < PROGRESS_DELAY_S or now - self.last < 0.1:
            return
        self.last = now
        mib = done / (1 << 20)
        if src.size:
            frac = min(done / src.size, 1.0)
            bar = "#" * int(frac * 30)
            text = f"[{bar:<30}] {frac:4.0%} {mib:,.1f}/{src.size / (1 << 20):,.1f} MiB"
        else:
            text = f"{mib:,.1f} MiB"
        sys.stderr.write(f"\r{src.name}: {text}, {exchanges:,} exchanges")
        sys.stderr.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.drawn = False


def _json_line(source: str, index: int, operation: str | None, f: Finding) -> str:
    return json.dumps(finding_record(source, index, operation, f), sort_keys=True, ensure_ascii=False)


#: Operations the text summary names one by one; the rest are a count (``--format json`` has all).
SUMMARY_OPERATIONS: Final = 10


def _counts(items: dict[str, int], shown: int = SUMMARY_OPERATIONS) -> str:
    """``Name count, ...``: the most frequent first (ties by name), at most ``shown`` of them, then
    how many more there are; a capture may exercise every one of the model's operations."""
    ranked = sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{k} {v}" for k, v in ranked[:shown])
    more = len(ranked) - shown
    return f"{text}, {more} more operations" if more > 0 else text


def _sides(by_side: dict[str, int]) -> str:
    parts = [f"{side} {by_side[side]}" for side in ("server", "client", "capture") if by_side.get(side)]
    return f" ({', '.join(parts)})" if parts else ""


def _summary_text(s: dict[str, Any]) -> str:
    lines = [
        f"Summary ({s['model']}{', strict' if s['strict'] else ''})",
        f"  exchanges: {s['exchanges']}" + (f" ({_counts(s['operations'])})" if s["operations"] else ""),
        f"  valid: {s['valid']}, invalid: {s['invalid']}, errors: {s['errors']}, warnings: {s['warnings']}"
        + _sides(s["warnings_by_side"]),
    ]
    skipped = sum(s["skipped"].values())
    line = f"  skipped: {skipped}"
    if skipped:
        parts = []
        for reason, n in s["skipped"].items():
            part = f"{reason.replace('_', ' ')} {n}"
            if reason == "uncovered_operation" and s["uncovered_operations"]:
                part += f" ({_counts(s['uncovered_operations'])})"
            parts.append(part)
        line += " (" + "; ".join(parts) + ")"
    lines.append(line)
    return "\n".join(lines)


def run_validate(args: argparse.Namespace) -> int:
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per CPU) or more")
    if args.paths.count("-") > 1:
        raise UsageError("standard input (-) can be read only once")
    out = sys.stdout
    emit: Callable[[str, int, str | None, Finding], str] = (
        _json_line if args.format == "json" else finding_line
    )
    # The text report groups findings alike (printed at the end); JSON and --all stream every one.
    grouped = GroupedReport() if args.format == "text" and not args.all else None
    total = Summary()
    progress = _Progress(sys.stderr.isatty())
    # Everything loaded so far (modules, compiled checkers) lives to the end: keep it out of the
    # collector's way, and shared untouched with forked workers.  The young generation's threshold
    # is raised for the run (see YOUNG_THRESHOLD); workers inherit it.
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], YOUNG_THRESHOLD), *thresholds[1:])
    try:
        for path in args.paths:
            with open_capture(path) as src:
                progress.enabled = sys.stderr.isatty() and (
                    src.size is None or src.size >= PROGRESS_MIN_BYTES
                )
                handed_out = [0]
                line = 0  # JSON lines: lines of the batches already reported
                for result in _results(src, args.reveal, jobs, handed_out):
                    if grouped is not None:
                        for i, op, fs in result.reported:
                            for f in fs:
                                grouped.add(src.name, i + line, op, f)
                    elif result.reported:
                        progress.clear()
                        out.write(
                            "".join(
                                emit(src.name, i + line, op, f) + "\n"
                                for i, op, fs in result.reported
                                for f in fs
                            )
                        )
                    total.merge(result.summary)
                    if result.failure is not None:
                        if result.failure_line is not None:
                            at = f"line {line + result.failure_line + 1}"
                            raise CaptureError(result.failure.reason, source=src.name, position=at)
                        raise result.failure
                    line += result.lines
                    progress.update(src, handed_out[0], total.valid + total.invalid)
                progress.clear()
    except CaptureError as exc:
        # What was checked before the unreadable part is reported, then the reason.
        progress.clear()
        if grouped is not None:
            out.write("".join(line + "\n" for line in grouped.lines()))
        out.flush()
        raise UsageError(str(exc)) from None
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
    summary = total.to_json([_display_name(p) for p in args.paths], args.strict)
    if grouped is not None:
        out.write("".join(line + "\n" for line in grouped.lines()))
    if args.format == "json":
        out.write(json.dumps(summary, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        out.write(_summary_text(summary) + "\n")
    out.flush()
    return 1 if summary["invalid"] else 0


def _display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path
