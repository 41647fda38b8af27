"""The probe against the shipped example emulator (examples/emulator.py): it passes every probe.

The example is built on the library's sans-IO layer, so this is the probe's own consistency check:
every answer the probe expects is one an emulator can give.  An emulator that does not serve an
operation is reported for it, with the emulator's own words, and nothing else changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from _example import EXAMPLE, load_example

pytest.importorskip("joserfc")

from cognito_spec.probe import ProbeReport, run_probe
from cognito_spec.tokens import SigningKey

ROOT = Path(__file__).resolve().parent.parent
KEY_PROBES = {"tokens/no-admin-scope", "tokens/expired"}


@pytest.fixture(scope="module")
def example() -> ModuleType:
    return load_example("probe_emulator_example")


@pytest.fixture(scope="module")
def served(example: ModuleType) -> Iterator[tuple[Any, str]]:
    emu = example.Emulator(region="us-east-1")
    server, url = emu.serve("127.0.0.1", 0)
    yield emu, url
    server.shutdown()


def failures(report: ProbeReport) -> dict[str, list[str]]:
    return {
        r.id: [f"{c.area}/{c.name}: {c.note}" for c in r.failed_checks]
        for r in report.results
        if r.outcome == "fail"
    }


def test_with_its_key_the_example_passes_every_probe(served: tuple[Any, str]) -> None:
    emu, url = served
    report = run_probe(url, emulator_key=emu.signing_key)
    assert failures(report) == {}
    assert report.counts() == {"pass": len(report.results), "fail": 0, "skip": 0}
    assert all(s.passed == s.total > 0 for s in report.scores())
    assert report.left_behind == () and emu.pools == {}  # cleaned up


def test_without_its_key_only_the_re_signed_probes_are_skipped_and_say_why(served: tuple[Any, str]) -> None:
    report = run_probe(served[1])
    skipped = {r.id: r.reason for r in report.results if r.outcome == "skip"}
    assert set(skipped) == KEY_PROBES and failures(report) == {}
    assert "no emulator key given" in skipped["tokens/no-admin-scope"]
    # The example keeps the service's 5-minute minimum, so no expired token can be waited for.
    assert "refuses a 1-second access-token lifetime, as the service does" in skipped["tokens/expired"]


def test_a_key_that_is_not_the_emulators_is_detected_not_blamed_on_it(served: tuple[Any, str]) -> None:
    report = run_probe(served[1], emulator_key=SigningKey.generate())
    skipped = {r.id: r.reason for r in report.results if r.outcome == "skip"}
    assert set(skipped) == KEY_PROBES and failures(report) == {}
    assert "does not sign this emulator's tokens" in skipped["tokens/no-admin-scope"]


def test_an_operation_the_emulator_does_not_serve_is_reported_with_its_own_answer(
    example: ModuleType,
) -> None:
    class WithoutAuthFactors(example.Emulator):  # type: ignore[misc,name-defined]
        def handle(self, op: Any, request: Any) -> Any:
            if op.name == "GetUserAuthFactors":
                raise example.not_emulated(op)
            return super().handle(op, request)

    emu = WithoutAuthFactors(region="us-east-1")
    server, url = emu.serve("127.0.0.1", 0)
    try:
        report = run_probe(url, emulator_key=emu.signing_key)
    finally:
        server.shutdown()
    by_id = {r.id: r for r in report.results}
    missing = by_id["GetUserAuthFactors/success"]
    assert missing.outcome == "fail" and missing.observed is not None
    assert (
        missing.observed.describe(report.scrub)
        == "500 InternalErrorException: GetUserAuthFactors is not emulated"
    )
    # Refusals that come before the operation runs (routing, validation in the library's layer)
    # still pass; the ID-token probe reaches the operation, which now says it is not emulated.
    assert set(failures(report)) == {"GetUserAuthFactors/success", "tokens/id-token-factors"}
    assert by_id["GetUserAuthFactors/pattern-token"].outcome == "pass"


def test_the_readmes_two_commands_pass_every_probe(tmp_path: Path) -> None:
    """python examples/emulator.py --key-out KEY, then cognito-spec probe URL --emulator-key KEY."""
    key = tmp_path / "emulator-key.pem"
    served = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "--port", "0", "--key-out", str(key)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert served.stdout is not None
        url = served.stdout.readline().split()[-1]  # "serving http://127.0.0.1:PORT"
        probe = subprocess.run(
            [sys.executable, "-m", "cognito_spec", "probe", url, "--emulator-key", str(key), "--json"],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        served.terminate()
        served.wait(timeout=10)
    assert probe.returncode == 0, probe.stdout[-2000:] + probe.stderr
    report = json.loads(probe.stdout)
    assert report["ok"] and report["counts"]["fail"] == report["counts"]["skip"] == 0
