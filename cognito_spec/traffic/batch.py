"""Validate a batch of captured exchanges into findings and a :class:`Summary` that merges.

This is the one implementation behind ``cognito-spec validate``: its in-process run, its ``--jobs``
workers and a Dask bag (:mod:`cognito_spec.traffic.dask`) all validate batches here and add the
summaries up.  A batch is a run of JSON-lines lines (:func:`validate_lines`) or of exchanges
already read (:func:`examine_into`, which the HAR reader feeds).

Why the summary is a bag of counts and nothing else: every field is a sum (of integers or of
``Counter`` values), so :meth:`Summary.merge` is associative and commutative, and the summary of a
capture is the same however it was cut into batches and in whatever order, or tree, the batch
summaries are merged.  What does depend on order, the findings, is kept apart, each named by
``(source, index, operation)``: sorted by ``(source, index)`` (a stable sort keeps the findings of
one exchange in the order the check made them) they are the findings of one pass.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any, Final

import attrs

from cognito_spec.codec.body import MISS, ORJSON
from cognito_spec.errors import ArgumentTypeError, CaptureError
from cognito_spec.traffic.check import Finding, examine
from cognito_spec.traffic.fast import quick_valid, record_quick_parts
from cognito_spec.traffic.jsonl import iter_jsonl_lines
from cognito_spec.traffic.scope import ReadStats, iter_exchanges

__all__ = [
    "BatchResult",
    "LocatedFinding",
    "Reported",
    "Summary",
    "examine_into",
    "fails_strict",
    "finding_record",
    "validate_lines",
]

#: The C scanner of a default decoder: what json.loads runs, without its wrappers.
_RECORD_SCAN: Final[Any] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]

#: The white space JSON allows around a value.
_JSON_SPACE: Final = " \t\n\r"

#: The sides a summary counts warnings of, in the order the summary record lists them.
_SIDES: Final = ("capture", "client", "server")


def fails_strict(f: Finding) -> bool:
    """Whether a warning fails the run under ``--strict``: not an expected refusal of a client's
    fault, not a finding about the capture itself (see ``cognito_spec.cli.validate.EXIT_RULE``)."""
    return f.severity == "warning" and f.side != "capture" and not f.expected


@attrs.define
class Summary:
    """Counts of a batch, a file or a whole run; :meth:`merge` adds another summary's counts.

    ``read`` counts the entries read and the ones skipped (by reason); ``operations`` the exchanges validated per operation (``(none)`` when an exchange names
    none); an exchange is ``valid`` or ``invalid`` (it has an error); ``strict_invalid`` counts the
    valid ones with a warning that fails ``--strict``; ``errors`` and ``warnings`` count findings,
    ``warnings_by_side`` the warnings by :attr:`Finding.side`.
    """

    read: ReadStats = attrs.field(factory=ReadStats)
    operations: Counter[str] = attrs.field(factory=Counter)
    valid: int = 0
    invalid: int = 0
    strict_invalid: int = 0
    errors: int = 0
    warnings: int = 0
    warnings_by_side: Counter[str] = attrs.field(factory=Counter)

    def merge(self, other: Summary) -> None:
        """Add ``other``'s counts to this summary (in place)."""
        self.read.merge(other.read)
        self.operations.update(other.operations)
        self.valid += other.valid
        self.invalid += other.invalid
        self.strict_invalid += other.strict_invalid
        self.errors += other.errors
        self.warnings += other.warnings
        self.warnings_by_side.update(other.warnings_by_side)

    def add_proved(self, names: list[str]) -> None:
        """Count entries the fast path proved valid, by their operations' names (a batch's at once:
        one count at a time cost the fast path more than some of its checks)."""
        self.read.entries += len(names)
        self.valid += len(names)
        self.operations.update(names)

    @staticmethod
    def combine(*summaries: Summary) -> Summary:
        """A new summary of the counts of all ``summaries``, which are left as they are (the binary
        operator of a fold or a tree reduction, where an input may be shared)."""
        out = Summary()
        for s in summaries:
            out.merge(s)
        return out

    @property
    def exchanges(self) -> int:
        """Exchanges validated (entries less the skipped ones)."""
        return self.valid + self.invalid

    def to_json(self, sources: list[str], strict: bool) -> dict[str, Any]:
        """The summary record of ``cognito-spec validate --format json`` for these counts.

        ``sources`` names the inputs as the run names them; with ``strict``, the exchanges whose
        only departures are warnings that fail ``--strict`` count as invalid.
        """
        from cognito_spec.shapes import MODEL_VERSION

        invalid = self.invalid + (self.strict_invalid if strict else 0)
        exchanges = self.exchanges
        return {
            "type": "summary",
            "model": MODEL_VERSION,
            "sources": sources,
            "strict": strict,
            "entries": self.read.entries,
            "exchanges": exchanges,
            "operations": dict(sorted(self.operations.items())),
            "valid": exchanges - invalid,
            "invalid": invalid,
            "errors": self.errors,
            "warnings": self.warnings,
            "warnings_by_side": {side: self.warnings_by_side[side] for side in _SIDES},
            "skipped": dict(sorted(self.read.skipped.items())),
            # Always empty: every operation of the model is checked, and one it lacks is a finding
            # (unknown_operation), no longer a skip.  Kept so that readers of the record keep working.
            "uncovered_operations": {},
        }


def finding_record(source: str, index: int, operation: str | None, f: Finding) -> dict[str, Any]:
    """The record of one finding in ``cognito-spec validate --format json``."""
    return {"type": "finding", "source": source, "index": index, "operation": operation, **f.to_json()}


@attrs.frozen
class LocatedFinding:
    """A finding with the exchange it is about: the source, its index there, the operation."""

    source: str
    index: int
    operation: str | None
    finding: Finding

    def to_json(self) -> dict[str, Any]:
        """The finding's record in ``cognito-spec validate --format json``."""
        return finding_record(self.source, self.index, self.operation, self.finding)


#: (index, operation, findings) of each exchange with findings, in order.
Reported = list[tuple[int, str | None, tuple[Finding, ...]]]


@attrs.define
class BatchResult:
    """What validating a batch gives: the exchanges with findings, in input order, and the summary.

    ``lines`` counts the lines of a JSON-lines batch.  ``failure`` is the unreadable input met,
    if any: validation stopped there, and what is reported is what came before it; for JSON lines,
    ``failure_line`` is the index of the failing line (the error names it too, as ``line N`` from 1).
    """

    source: str
    reported: Reported
    summary: Summary
    lines: int = 0
    failure: CaptureError | None = None
    failure_line: int | None = None

    def findings(self) -> list[LocatedFinding]:
        """Every finding, in input order, with its source, index and operation."""
        src = self.source
        return [LocatedFinding(src, i, op, f) for i, op, fs in self.reported for f in fs]


def examine_into(exchanges: Iterable[Any], reveal: bool, summary: Summary, reported: Reported) -> None:
    """Check ``exchanges`` in full (:func:`~cognito_spec.traffic.check.examine`), skipping and counting
    what is not a Cognito call, adding their counts to ``summary`` and their findings to ``reported``."""
    for ex in iter_exchanges(exchanges, summary.read):
        report = examine(ex, reveal=reveal)
        summary.operations[report.operation or "(none)"] += 1
        if report.findings:
            reported.append((ex.index, report.operation, report.findings))
            errors = report.errors
            summary.errors += errors
            summary.warnings += len(report.findings) - errors
            summary.warnings_by_side.update(f.side for f in report.findings if f.severity == "warning")
            if errors:
                summary.invalid += 1
            else:
                summary.valid += 1
                if any(fails_strict(f) for f in report.findings):
                    summary.strict_invalid += 1
        else:
            summary.valid += 1


def _as_bytes(line: object) -> bytes:
    """A line as the bytes of the file, from bytes or from text.

    Text is encoded back with ``surrogateescape``, so text decoded with ``errors="surrogateescape"``
    gives back exactly the bytes it was read from, invalid UTF-8 included (and valid text encodes
    as plain UTF-8); a lone surrogate that no decoder made (``"\\ud800"``) is written as
    ``surrogatepass`` does.  The newline that ends a line read as text is dropped, as the reader of
    the command line drops it when it splits a file.
    """
    if isinstance(line, str):
        if line.endswith("\n"):
            line = line[:-1]
        try:
            return line.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return line.encode("utf-8", "surrogatepass")
    if isinstance(line, bytes | bytearray | memoryview):
        return bytes(line)
    raise ArgumentTypeError(f"a JSON-lines line must be bytes or str, not {type(line).__name__}")


def validate_lines(
    lines: Iterable[bytes | str], *, source: str = "", first_line: int = 0, reveal: bool = False
) -> BatchResult:
    """Validate consecutive JSON-lines lines of ``source``, the first of which is line ``first_line``
    (counted from 0, as findings name them: ``FILE#N``).

    A line is bytes without its newline (a trailing newline of text is dropped; see
    :func:`_as_bytes`); blank lines count but hold nothing.  Most exchanges of a capture are clean
    successes: :func:`~cognito_spec.traffic.fast.quick_valid` proves those straight from the parsed
    record, without building an exchange; every other one takes the full check, which decides and
    explains.  An unreadable line stops the batch (see :class:`BatchResult`); messages are redacted
    unless ``reveal``.
    """
    summary = Summary()
    reported: Reported = []
    quick = quick_valid
    scan, parts_of = _RECORD_SCAN, record_quick_parts
    loads, orjson_error = ORJSON.loads, ORJSON.error
    # The exchanges the fast path proved valid, by operation: added to the summary once, at the end
    # of the batch (or where it stops), not one count at a time.
    proved: list[str] = []
    lineno = first_line - 1
    for lineno, raw in enumerate(lines, first_line):
        line = raw if type(raw) is bytes else _as_bytes(raw)
        if not line or line.isspace():
            continue
        # json.loads of the line, minus its Python-level wrappers (encoding detection, decode and
        # raw_decode): orjson when codec.body's fast path is on (orjson reads a line to the value
        # json.loads gives or refuses it, and every refusal falls through), else the C scanner on
        # the UTF-8 text.  Anything unusual (white space before the record, bad JSON, not UTF-8)
        # falls to the full path, which reads or refuses it exactly.  Only JSON white space may
        # follow the record: str.isspace also takes U+001C, U+00A0 and more, which json.loads
        # refuses.  Nesting: orjson reads 1024 levels, json.loads fewer (its recursion limit);
        # record_quick_parts takes the line to bound a record of unusual members by its brackets.
        record = MISS
        if loads is not None:
            try:
                record = loads(line)
            except orjson_error:
                record = MISS
        if record is MISS:
            try:
                text = line.decode()
                record, end = scan(text, 0)
                if end != len(text) and text[end:].strip(_JSON_SPACE):
                    record = None
            except (StopIteration, ValueError, RecursionError):
                record = None
        lparts = parts_of(record, line) if record is not None else None
        name = quick(*lparts) if lparts is not None else None
        if name is not None:
            proved.append(name)
            continue
        try:
            ex = next(iter_jsonl_lines([line], first_line=lineno))
        except CaptureError as exc:
            summary.add_proved(proved)
            failure = CaptureError(exc.reason, source=source, position=f"line {lineno + 1}")
            return BatchResult(source, reported, summary, lineno + 1 - first_line, failure, lineno)
        examine_into((ex,), reveal, summary, reported)
    summary.add_proved(proved)
    return BatchResult(source, reported, summary, lineno + 1 - first_line)
