"""``cognito-spec validate`` and ``cognito-spec redact``: captured traffic against the model.

``validate PATH... [--format text|json] [--strict] [--jobs N] [--reveal]``
    Reads HAR 1.2 and JSON-lines captures (``-`` is standard input), streaming, and checks every
    Cognito exchange with :func:`cognito_spec.traffic.check.examine`.  Output: one line (or JSON record)
    per finding, in input order, then a summary.  A finding names its entry as ``FILE#N``: N counts
    from 0, the position in the HAR's ``log.entries`` or the line of a JSON-lines file.  Exit status 0 when every exchange is valid, 1 when
    any has an error (or, with ``--strict``, a warning), 2 when an input is unreadable or the usage
    is wrong.  Messages are redacted unless ``--reveal``.

``redact IN OUT``
    Copies a capture with every sensitive member of the request and response bodies masked (and
    credential headers), in the input's format.  ``-`` is standard input or output.

How ``--jobs`` keeps the output identical: the input is cut into batches in the main process (JSON
lines: blocks of whole lines, as bytes; HAR: runs of parsed entries), each batch is validated as a
unit, and the results are printed in batch order.  ``--jobs 1`` runs the very same batches in
process.  At most a few batches per worker are in flight, so memory stays flat with any input size.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Final

import attrs

from cognito_spec.errors import CaptureError, UsageError
from cognito_spec.traffic.check import (
    Finding,
    examine,
)
from cognito_spec.traffic.fast import har_quick_parts, quick_valid, record_quick_parts
from cognito_spec.traffic.har import har_exchange, iter_har_entries
from cognito_spec.traffic.jsonl import iter_jsonl_lines
from cognito_spec.traffic.scope import ReadStats, iter_exchanges
from cognito_spec.traffic.source import CaptureSource, open_capture

__all__ = ["register"]

#: The C scanner of a default decoder: what json.loads runs, without its wrappers.
_RECORD_SCAN: Final[Any] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
#: Bytes of JSON lines per batch, and parsed HAR entries per batch.
JSONL_BATCH_BYTES: Final = 1 << 20
HAR_BATCH_ENTRIES: Final = 16
#: Batches in flight per worker process (bounds memory while keeping the workers busy).
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
        " and the service's behaviour. Exit status: 0 all valid, 1 findings, 2 unreadable input.",
    )
    p.epilog = (
        "Each finding is one line: FILE#N OPERATION SEVERITY LOCATION PATH [KIND]: MESSAGE, where N counts"
        " entries from 0 (HAR log.entries, or lines of a JSON-lines file)."
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="capture file; - reads standard input")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    p.add_argument("--strict", action="store_true", help="warnings (fidelity notes) also fail the run")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (0: one per CPU)")
    p.add_argument("--reveal", action="store_true", help="show sensitive values in messages")
    p.set_defaults(func=run_validate)


# --------------------------------------------------------------------------------------------------
# Batches and their results (what crosses the process boundary).


@attrs.frozen
class _Batch:
    """One unit of work: whole JSON lines (as bytes, or as a byte range of a regular file, which the
    worker reads itself), or parsed HAR entries with the index of the first."""

    source: str
    reveal: bool
    lines: bytes | None = None
    span: tuple[str, int, int] | None = None  # (path, start, end)
    entries: tuple[Any, ...] = ()
    first_entry: int = 0


@attrs.define
class _Tally:
    """Counts of a batch, a file or the whole run."""

    read: ReadStats = attrs.field(factory=ReadStats)
    operations: Counter[str] = attrs.field(factory=Counter)
    valid: int = 0
    invalid: int = 0
    strict_invalid: int = 0  # exchanges with warnings but no errors (invalid under --strict)
    errors: int = 0
    warnings: int = 0

    def merge(self, other: _Tally) -> None:
        self.read.merge(other.read)
        self.operations.update(other.operations)
        self.valid += other.valid
        self.invalid += other.invalid
        self.strict_invalid += other.strict_invalid
        self.errors += other.errors
        self.warnings += other.warnings


#: (index, operation, findings) of each exchange with findings, in order.
_Reported = list[tuple[int, str | None, tuple[Finding, ...]]]


@attrs.define
class _Result:
    """What a batch sends back.  For JSON lines, indexes count lines from the batch's first; the
    main process adds the lines of the batches before it (a worker cannot know them)."""

    reported: _Reported
    tally: _Tally
    lines: int = 0
    #: Unreadable input met in the batch; the findings before it are kept and printed first.
    failure: CaptureError | None = None
    #: For JSON lines, the failing line, counted from the batch's first.
    failure_line: int | None = None


def _work(batch: _Batch) -> _Result:
    """Validate one batch (runs in a worker process with --jobs > 1).

    Most exchanges of a capture are clean successes: ``quick_valid`` proves those straight from the
    parsed record or entry, without building an Exchange; every other one takes the full path
    (``examine``), which decides, and explains.
    """
    if batch.lines is None and batch.span is None:
        (result,) = _har_results(batch.entries, batch.first_entry, batch.source, batch.reveal, None)
        return result
    tally = _Tally()
    reported: _Reported = []
    read, operations, quick = tally.read, tally.operations, quick_valid
    data = batch.lines if batch.lines is not None else _read_span(batch.span)
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    scan, parts_of = _RECORD_SCAN, record_quick_parts
    for lineno, line in enumerate(lines):
        if not line or line.isspace():
            continue
        # json.loads of the line, minus its Python-level wrappers (encoding detection, decode and
        # raw_decode): the C scanner on the UTF-8 text.  Anything unusual (white space before the
        # record, bad JSON, not UTF-8) falls to the full path, which reads or refuses it exactly.
        try:
            text = line.decode()
            record, end = scan(text, 0)
            if end != len(text) and not text[end:].isspace():
                record = None
        except (StopIteration, ValueError, RecursionError):
            record = None
        lparts = parts_of(record) if record is not None else None
        name = quick(*lparts) if lparts is not None else None
        if name is not None:
            read.entries += 1
            operations[name] += 1
            tally.valid += 1
            continue
        try:
            ex = next(iter_jsonl_lines([line], first_line=lineno))
        except CaptureError as exc:
            return _Result(reported, tally, len(lines), CaptureError(exc.reason), lineno)
        _examine_all((ex,), batch.reveal, tally, reported)
    return _Result(reported, tally, len(lines))


def _har_results(
    entries: Iterable[Any], first: int, source: str, reveal: bool, every: int | None
) -> Iterator[_Result]:
    """Validate HAR entries as they come; a result every ``every`` entries (None: one at the end).

    Each entry is dropped as soon as it is checked: entries kept alive in numbers get promoted
    through the collector's generations and make every collection slower.
    """
    tally = _Tally()
    reported: _Reported = []
    read, operations, quick = tally.read, tally.operations, quick_valid
    index = first - 1
    try:
        for index, entry in enumerate(entries, first):
            parts = har_quick_parts(entry)
            name = quick(*parts) if parts is not None else None
            if name is not None:
                read.entries += 1
                operations[name] += 1
                tally.valid += 1
            else:
                _examine_all((har_exchange(entry, index, source),), reveal, tally, reported)
            if every is not None and (index - first + 1) % every == 0:
                yield _Result(reported, tally)
                tally = _Tally()
                reported = []
                read, operations = tally.read, tally.operations
    except CaptureError as exc:
        # What was checked before the unreadable part is reported first, as with batches.
        yield _Result(reported, tally, failure=exc)
        return
    if every is None or (index - first + 1) % every != 0:
        yield _Result(reported, tally)


def _read_span(span: tuple[str, int, int] | None) -> bytes:
    assert span is not None
    path, start, end = span
    with open(path, "rb") as fp:
        fp.seek(start)
        return fp.read(end - start)


def _examine_all(exchanges: Any, reveal: bool, tally: _Tally, reported: _Reported) -> None:
    for ex in iter_exchanges(exchanges, tally.read):
        report = examine(ex, reveal=reveal)
        tally.operations[report.operation or "(none)"] += 1
        if report.findings:
            reported.append((ex.index, report.operation, report.findings))
            errors = report.errors
            tally.errors += errors
            tally.warnings += len(report.findings) - errors
            if errors:
                tally.invalid += 1
            else:
                tally.valid += 1
                tally.strict_invalid += 1
        else:
            tally.valid += 1


def _batches(src: CaptureSource, reveal: bool, progress: list[int]) -> Iterator[_Batch]:
    """The batches of a capture, in order; ``progress[0]`` follows the bytes handed out."""
    if src.format == "jsonl" and src.path is not None and src.size is not None:
        # A regular file: only the batch boundaries are found here (a few bytes read around each);
        # the workers read their ranges themselves, so the main process copies nothing.
        with open(src.path, "rb") as fp:
            pos = src.start
            while pos < src.size:
                end = _line_boundary(fp, pos + JSONL_BATCH_BYTES, src.size)
                yield _Batch(src.name, reveal, span=(src.path, pos, end))
                progress[0] = pos = end
        return
    if src.format == "jsonl":
        carry = b""
        while True:
            block = src.stream.read(JSONL_BATCH_BYTES)
            if not block:
                break
            data = carry + block if carry else block
            cut = data.rfind(b"\n") + 1
            carry = data[cut:]
            if cut:
                yield _Batch(src.name, reveal, data[:cut])
            progress[0] = src.consumed
        if carry:
            yield _Batch(src.name, reveal, carry)
        return
    pending: list[Any] = []
    first = 0
    try:
        for entry in iter_har_entries(src.stream, source=src.name):
            pending.append(entry)
            if len(pending) >= HAR_BATCH_ENTRIES:
                yield _Batch(src.name, reveal, entries=tuple(pending), first_entry=first)
                first += len(pending)
                pending = []
                progress[0] = src.consumed
    except CaptureError:
        # The entries read before the unreadable part are still checked and reported.
        if pending:
            yield _Batch(src.name, reveal, entries=tuple(pending), first_entry=first)
        raise
    if pending:
        yield _Batch(src.name, reveal, entries=tuple(pending), first_entry=first)


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


def _results(src: CaptureSource, reveal: bool, jobs: int, progress: list[int]) -> Iterator[_Result]:
    """Results in input order, computed in process or by ``jobs`` workers."""
    if jobs <= 1 and src.format == "har":
        # In process, a HAR needs no batches: entries go from the parser to the check one by one.
        for result in _har_results(iter_har_entries(src.stream, source=src.name), 0, src.name, reveal, 1024):
            progress[0] = src.consumed
            yield result
        return
    batches = _batches(src, reveal, progress)
    if jobs <= 1:
        for batch in batches:
            yield _work(batch)
        return
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork shares the already compiled checkers with the workers; spawn re-imports (other platforms).
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ctx.Pool(jobs) as pool:
        in_flight: deque[Any] = deque()
        try:
            for batch in batches:
                in_flight.append(pool.apply_async(_work, (batch,)))
                if len(in_flight) >= jobs * IN_FLIGHT_PER_JOB:
                    yield in_flight.popleft().get()
        except CaptureError:
            # Reading failed: the batches already handed out are reported first, in order, as they
            # would have been in process.
            while in_flight:
                yield in_flight.popleft().get()
            raise
        while in_flight:
            yield in_flight.popleft().get()


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


def _text_line(source: str, index: int, operation: str | None, f: Finding) -> str:
    return f"{source}#{index} {operation or '-'} {f.severity} {f.location} {f.path} [{f.kind}]: {f.message}"


def _json_line(source: str, index: int, operation: str | None, f: Finding) -> str:
    record = {"type": "finding", "source": source, "index": index, "operation": operation, **f.to_json()}
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def _summary(tally: _Tally, sources: list[str], strict: bool) -> dict[str, Any]:
    from cognito_spec.shapes import MODEL_VERSION

    invalid = tally.invalid + (tally.strict_invalid if strict else 0)
    exchanges = tally.valid + tally.invalid
    return {
        "type": "summary",
        "model": MODEL_VERSION,
        "sources": sources,
        "strict": strict,
        "entries": tally.read.entries,
        "exchanges": exchanges,
        "operations": dict(sorted(tally.operations.items())),
        "valid": exchanges - invalid,
        "invalid": invalid,
        "errors": tally.errors,
        "warnings": tally.warnings,
        "skipped": dict(sorted(tally.read.skipped.items())),
        "uncovered_operations": dict(sorted(tally.read.uncovered.items())),
    }


def _counts(items: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in items.items())


def _summary_text(s: dict[str, Any]) -> str:
    lines = [
        f"Summary ({s['model']}{', strict' if s['strict'] else ''})",
        f"  exchanges: {s['exchanges']}" + (f" ({_counts(s['operations'])})" if s["operations"] else ""),
        f"  valid: {s['valid']}, invalid: {s['invalid']}, errors: {s['errors']}, warnings: {s['warnings']}",
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
    emit: Callable[[str, int, str | None, Finding], str] = _json_line if args.format == "json" else _text_line
    total = _Tally()
    progress = _Progress(sys.stderr.isatty())
    # Everything loaded so far (modules, compiled checkers) lives to the end: keep it out of the
    # collector's way, and shared untouched with forked workers.
    gc.freeze()
    try:
        for path in args.paths:
            with open_capture(path) as src:
                progress.enabled = sys.stderr.isatty() and (
                    src.size is None or src.size >= PROGRESS_MIN_BYTES
                )
                handed_out = [0]
                line = 0  # JSON lines: lines of the batches already reported
                for result in _results(src, args.reveal, jobs, handed_out):
                    if result.reported:
                        progress.clear()
                        out.write(
                            "".join(
                                emit(src.name, i + line, op, f) + "\n"
                                for i, op, fs in result.reported
                                for f in fs
                            )
                        )
                    total.merge(result.tally)
                    if result.failure is not None:
                        if result.failure_line is not None:
                            at = f"line {line + result.failure_line + 1}"
                            raise CaptureError(result.failure.reason, source=src.name, position=at)
                        raise result.failure
                    line += result.lines
                    progress.update(src, handed_out[0], total.valid + total.invalid)
                progress.clear()
    except CaptureError as exc:
        progress.clear()
        out.flush()
        raise UsageError(str(exc)) from None
    finally:
        gc.unfreeze()
    summary = _summary(total, [_display_name(p) for p in args.paths], args.strict)
    if args.format == "json":
        out.write(json.dumps(summary, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        out.write(_summary_text(summary) + "\n")
    out.flush()
    return 1 if summary["invalid"] else 0


def _display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path
