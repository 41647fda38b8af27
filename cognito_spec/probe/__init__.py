"""``cognito-spec probe``: measure an emulator of the user pools API against the service.

:func:`run_probe` drives a scripted scenario against an endpoint (see
:mod:`cognito_spec.probe.scenario`: set-up through the API, the seed operations' successes and
refusals, validation, routing, tokens, clean-up), records every exchange, judges each against the
service's answer and the capture checks, and returns a :class:`ProbeReport`::

    from cognito_spec.probe import run_probe

    report = run_probe("http://127.0.0.1:5000")
    print(report.text())            # or report.json_text()
    report.write_har(open("probe.har", "w"))   # the traffic, redacted, for a bug report

Safe by design (:mod:`.safety`, :mod:`.transport`): loopback endpoints only unless a host is
named in ``allow_hosts``, never an AWS endpoint, fake SigV4 keys, every request bounded in time
and size, a budget of requests and seconds per run, and a clean-up that deletes what the run
created.  The modules: ``safety`` (what may be probed), ``transport`` (bounded, recorded HTTP),
``expect`` (the service's answer and the checks), ``scenario`` (the probes), ``report``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cognito_spec.errors import ProbeError, TokenKeyError
from cognito_spec.probe.expect import AREAS, Scrubber
from cognito_spec.probe.report import ProbeReport, ProbeResult, Score
from cognito_spec.probe.safety import endpoint_of
from cognito_spec.probe.transport import Limits, Recorder

if TYPE_CHECKING:
    from cognito_spec.tokens.keys import SigningKey

__all__ = ["AREAS", "Limits", "ProbeReport", "ProbeResult", "Score", "load_key", "run_probe", "write_har"]


def load_key(path: str | Path) -> SigningKey:
    """The emulator's signing key from a file: a PEM private key, a private RSA JWK, or a JWKS
    whose first key is private (moto ships its key as such a JWK).  Needs ``cognito-spec[tokens]``."""
    from cognito_spec.tokens.keys import SigningKey

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise TokenKeyError(
            f"cannot read the key file {str(path)!r}: {exc.strerror or type(exc).__name__}"
        ) from None
    if raw[:2] == b"\x1f\x8b":  # gzip, as moto ships its key (resources/jwks-private.json.gz)
        import gzip

        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            raise TokenKeyError("the key file is a broken gzip file") from None
    if raw.lstrip().startswith(b"{"):
        try:
            doc = json.loads(raw)
        except ValueError:
            raise TokenKeyError("the key file is neither PEM nor a JSON Web Key") from None
        if isinstance(doc, dict) and isinstance(doc.get("keys"), list) and doc["keys"]:
            doc = doc["keys"][0]
        return SigningKey.from_jwk(doc)
    return SigningKey.from_pem(raw)


def run_probe(
    url: str,
    *,
    allow_hosts: Iterable[str] = (),
    emulator_key: SigningKey | None = None,
    region: str = "us-east-1",
    limits: Limits | None = None,
    reveal: bool = False,
) -> ProbeReport:
    """Probe the emulator at ``url`` and report (see the module documentation).

    ``emulator_key``: the key the emulator signs its tokens with; with it the probe re-signs
    tokens (no admin scope, expired).  ``region``: the region the requests are signed for (it
    becomes the pools' id prefix in most emulators).  ``reveal``: quote the probe's own secrets
    (user name, password, tokens) where the emulator echoes them.

    Raises :class:`~cognito_spec.errors.ProbeRefusedError` for an endpoint the probe may not
    talk to (nothing is sent) and :class:`~cognito_spec.errors.ProbeError` when it does not
    answer HTTP at all.  Everything the emulator answers, however wrong, is in the report.
    """
    from cognito_spec.probe.scenario import Scenario

    endpoint = endpoint_of(url, allow_hosts=allow_hosts)
    recorder = Recorder(endpoint, region, limits or Limits())
    scrub = Scrubber(reveal=reveal)
    scenario = Scenario(recorder, scrub, key=emulator_key)
    started = time.monotonic()
    scenario.run()
    if recorder.exchanges and all(ex.status is None for ex in recorder.exchanges):
        raise ProbeError(f"{endpoint.url} does not answer: {recorder.failures.get(0, 'no response')}")
    return ProbeReport(
        endpoint.url,
        tuple(scenario.results),
        tuple(recorder.exchanges),
        time.monotonic() - started,
        scrub,
        scenario.stopped,
        tuple(scenario.left_behind),
    )


def write_har(report: ProbeReport, fp: IO[str], *, reveal: bool = False) -> int:
    """Write the run's traffic as HAR 1.2, redacted (credentials, tokens, user names, passwords
    masked as ``cognito-spec redact`` masks them) unless ``reveal``; returns the entry count."""
    from cognito_spec.traffic.record import write_har as _write
    from cognito_spec.traffic.redact import redact_exchange

    exchanges = report.exchanges if reveal else tuple(redact_exchange(ex) for ex in report.exchanges)
    return _write(
        exchanges,
        fp,
        creator="cognito-spec probe",
        comment=f"cognito-spec probe of {report.url}" + ("" if reveal else "; redacted"),
    )
