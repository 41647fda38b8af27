"""The probe's report: one :class:`ProbeResult` per probe, scores per area, text and JSON.

A result says what the service does (with the source of that fact in the library: a module, the
overlay, the research notes), what the emulator did, and the checks between them.  A check belongs
to one area (:data:`~cognito_spec.probe.expect.AREAS`); an area's score is the share of its
checks that passed.  A skipped probe says why and scores nothing.

Nothing in a report quotes a secret the probe sent (its user's name, password, e-mail address,
tokens) unless the run was made with ``reveal=True``: the emulator's messages are scrubbed of
them, and the capture findings are redacted as ``cognito-spec validate`` redacts them.
"""

from __future__ import annotations

import json
from typing import Any, Final, Literal

import attrs

from cognito_spec.probe.expect import AREAS, Area, Check, Expected, Observed, Scrubber
from cognito_spec.traffic.finding import Finding
from cognito_spec.traffic.record import Exchange

__all__ = ["Outcome", "ProbeReport", "ProbeResult", "Score"]

Outcome = Literal["pass", "fail", "skip"]
#: The report format's version (the JSON's ``format``); bumped when a key changes meaning.
FORMAT: Final = "cognito-spec-probe/1"


@attrs.frozen
class ProbeResult:
    """One probe: its id (stable, ``area/what``), the service's answer, the emulator's, the checks."""

    id: str
    area: Area
    title: str
    outcome: Outcome
    expected: Expected | None = None
    observed: Observed | None = None
    checks: tuple[Check, ...] = ()
    findings: tuple[Finding, ...] = ()
    #: Indexes of the probe's exchanges in the recording.
    exchanges: tuple[int, ...] = ()
    #: Why a probe was skipped.
    reason: str = ""

    @property
    def failed_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)


@attrs.frozen
class Score:
    area: Area
    passed: int
    total: int
    skipped: int

    @property
    def ratio(self) -> float:
        return self.passed / self.total if self.total else 1.0


@attrs.frozen
class ProbeReport:
    """Everything a run found; :meth:`text` and :meth:`to_json` render it."""

    url: str
    results: tuple[ProbeResult, ...]
    exchanges: tuple[Exchange, ...]
    seconds: float
    scrub: Scrubber
    #: Why the scenario stopped early (the budget), or empty.
    stopped: str = ""
    #: What the clean-up could not delete, by kind and id (ids are not secrets).
    left_behind: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no probe failed (skipped probes do not fail a run)."""
        return all(r.outcome != "fail" for r in self.results)

    def scores(self) -> tuple[Score, ...]:
        out = []
        for area in AREAS:
            checks = [c for r in self.results for c in r.checks if c.area == area]
            skipped = sum(1 for r in self.results if r.area == area and r.outcome == "skip")
            out.append(Score(area, sum(1 for c in checks if c.ok), len(checks), skipped))
        return tuple(out)

    def counts(self) -> dict[Outcome, int]:
        counts: dict[Outcome, int] = {"pass": 0, "fail": 0, "skip": 0}
        for r in self.results:
            counts[r.outcome] += 1
        return counts

    def warnings(self) -> dict[tuple[str, str], int]:
        """The server's warnings of every probe, by kind and message, with how many exchanges."""
        counts: dict[tuple[str, str], int] = {}
        for r in self.results:
            for f in r.findings:
                if f.severity == "warning":
                    counts[(f.kind, f.message)] = counts.get((f.kind, f.message), 0) + 1
        return counts

    # ------------------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        scrub = self.scrub
        return {
            "format": FORMAT,
            "url": self.url,
            "seconds": round(self.seconds, 2),
            "ok": self.ok,
            "counts": self.counts(),
            "scores": {
                s.area: {"passed": s.passed, "checks": s.total, "skipped_probes": s.skipped}
                for s in self.scores()
            },
            "stopped": self.stopped,
            "left_behind": list(self.left_behind),
            "exchanges": len(self.exchanges),
            "probes": [
                {
                    "id": r.id,
                    "area": r.area,
                    "title": r.title,
                    "outcome": r.outcome,
                    "reason": r.reason,
                    "service": r.expected.to_json() if r.expected is not None else None,
                    "emulator": r.observed.to_json(scrub) if r.observed is not None else None,
                    "checks": [c.to_json() for c in r.checks],
                    "findings": [f.to_json() for f in r.findings],
                    "exchanges": list(r.exchanges),
                }
                for r in self.results
            ],
        }

    def json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    def text(self, *, verbose: bool = False) -> str:
        """The report for a reader: failures in full, passes in one line each (all with ``verbose``)."""
        lines = [f"cognito-spec probe {self.url}", ""]
        for r in self.results:
            lines += _result_lines(r, self.scrub, verbose)
        warnings = self.warnings()
        if warnings:
            lines.append("")
            lines.append("Fidelity warnings (valid by the model, not what the service does; not failures):")
            for (kind, message), n in warnings.items():
                lines.append(f"  {n:>3} x {kind}: {message}")
        lines.append("")
        lines.append("Scores (checks passed per area):")
        for s in self.scores():
            skipped = f", {s.skipped} probe{'s' if s.skipped != 1 else ''} skipped" if s.skipped else ""
            lines.append(f"  {s.area:<11} {s.passed:>3}/{s.total:<3} {100 * s.ratio:5.1f} %{skipped}")
        c = self.counts()
        lines.append(
            f"{len(self.results)} probes: {c['pass']} passed, {c['fail']} failed, {c['skip']} skipped;"
            f" {len(self.exchanges)} requests in {self.seconds:.1f} s"
        )
        if self.stopped:
            lines.append(f"stopped early: {self.stopped}")
        if self.left_behind:
            lines.append("left behind (the clean-up could not delete): " + ", ".join(self.left_behind))
        return "\n".join(lines) + "\n"


_MARK: Final[dict[Outcome, str]] = {"pass": "ok  ", "fail": "FAIL", "skip": "skip"}


def _result_lines(r: ProbeResult, scrub: Scrubber, verbose: bool) -> list[str]:
    head = f"{_MARK[r.outcome]}  {r.id:<40} {r.title}"
    if r.outcome == "skip":
        return [head, f"        skipped: {r.reason}"]
    if r.outcome == "pass" and not verbose:
        return [head]
    lines = [head]
    if r.expected is not None:
        lines.append(f"        service:  {r.expected.describe()}")
        lines.append(f"        source:   {r.expected.source}")
    if r.observed is not None:
        lines.append(f"        emulator: {r.observed.describe(scrub)}")
    for c in r.failed_checks:
        lines.append(f"        x {c.area}/{c.name}: {c.note}")
    for f in r.findings:
        if f.severity != "error":
            continue  # warnings are counted once, at the end
        where = f" at {f.path}" if f.path != "/" else ""
        detail = f" ({f.detail})" if f.detail else ""
        lines.append(f"        - {f.severity} {f.kind}{where}: {f.message}{detail}")
    return lines
