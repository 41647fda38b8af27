"""The probe's HTTP: one bounded request at a time, signed with fake keys, every exchange recorded.

* **Recorded exactly.**  Each request and its response become an
  :class:`~cognito_spec.traffic.record.Exchange`: header names in their case and order, bodies as
  the bytes sent and received, the time it started (the capture checks judge token expiry at that
  instant).  A request the server never answered is recorded without a response.
* **Bounded.**  Each request has a time limit (connect, then every read; a response that trickles
  is cut at the limit), a response body is read up to :data:`MAX_BODY` bytes, and a run has a
  budget of requests and of wall-clock time; past either, :class:`BudgetSpent` stops the scenario,
  which then only cleans up (clean-up has a small reserve of its own).
* **Fake credentials.**  Signed operations get a real SigV4 signature (``AWS4-HMAC-SHA256``),
  computed with the fixed, public, fake key pair :data:`FAKE_ACCESS_KEY` / :data:`FAKE_SECRET_KEY`,
  the pair emulators document for local use.  The probe never reads the environment, a
  credentials file or an AWS profile, so it cannot leak a real key.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ssl
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

import attrs

from cognito_spec.probe.safety import Endpoint
from cognito_spec.protocol.server import CONTENT_TYPE
from cognito_spec.traffic.record import Exchange

__all__ = [
    "FAKE_ACCESS_KEY",
    "FAKE_SECRET_KEY",
    "MAX_BODY",
    "BudgetSpent",
    "Limits",
    "Recorder",
    "sigv4_headers",
]

#: The fake key pair the probe signs with (LocalStack's and moto's documented defaults).
FAKE_ACCESS_KEY: Final = "test"
FAKE_SECRET_KEY: Final = "test"
#: The longest response body the probe reads; the rest is cut off (and the cut is reported).
MAX_BODY: Final = 1 << 20
_SERVICE: Final = "cognito-idp"
_USER_AGENT: Final = "cognito-spec-probe"


class BudgetSpent(Exception):  # control flow inside the probe, never raised out of it
    """The run's request or time budget is spent: the scenario stops and cleans up."""


@attrs.frozen
class Limits:
    """The bounds of a run (see the module documentation); the defaults fit a local emulator."""

    #: Seconds for each request: to connect, and for each read of the response.
    timeout: float = 5.0
    #: Requests a run may send, clean-up included.
    max_requests: int = 200
    #: Seconds a run may take, clean-up included.
    deadline: float = 120.0
    #: Requests and seconds kept back for clean-up, which runs even when the rest is spent.
    reserve_requests: int = 10
    reserve_seconds: float = 15.0


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def sigv4_headers(
    endpoint: Endpoint, headers: Sequence[tuple[str, str]], body: bytes, *, region: str, now: datetime
) -> list[tuple[str, str]]:
    """``X-Amz-Date`` and ``Authorization`` for a POST of ``body`` with ``headers``, signed (SigV4,
    service ``cognito-idp``) with the fake key pair.  A real signature, so an emulator that checks
    signatures against its configured key pair (``test``/``test``) accepts it."""
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    signed = [(k.lower(), " ".join(v.split())) for k, v in headers]
    signed += [("host", endpoint.host_header), ("x-amz-date", amz_date)]
    signed.sort()
    names = ";".join(k for k, _ in signed)
    canonical = "\n".join(
        [
            "POST",
            endpoint.path,
            "",
            "".join(f"{k}:{v}\n" for k, v in signed),
            names,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{day}/{region}/{_SERVICE}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()]
    )
    key = _hmac(("AWS4" + FAKE_SECRET_KEY).encode("utf-8"), day)
    for part in (region, _SERVICE, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return [
        ("X-Amz-Date", amz_date),
        (
            "Authorization",
            f"AWS4-HMAC-SHA256 Credential={FAKE_ACCESS_KEY}/{scope}, SignedHeaders={names},"
            f" Signature={signature}",
        ),
    ]


@attrs.define
class Recorder:
    """Sends the probe's requests to one endpoint and keeps every exchange, in order."""

    endpoint: Endpoint
    region: str
    limits: Limits = attrs.field(factory=Limits)
    exchanges: list[Exchange] = attrs.field(factory=list)
    #: Transport failures by exchange index (refused, timed out, reset, body cut at MAX_BODY).
    failures: dict[int, str] = attrs.field(factory=dict)
    _start: float = attrs.field(factory=time.monotonic)
    _cleaning: bool = False

    def cleaning_up(self) -> None:
        """From now on the reserve may be spent: clean-up runs even when the budget is gone."""
        self._cleaning = True

    def _check_budget(self) -> None:
        lim = self.limits
        spent_requests = len(self.exchanges)
        spent_seconds = time.monotonic() - self._start
        if self._cleaning:
            if spent_requests >= lim.max_requests or spent_seconds >= lim.deadline:
                raise BudgetSpent("clean-up reserve spent")
            return
        if (
            spent_requests >= lim.max_requests - lim.reserve_requests
            or spent_seconds >= lim.deadline - lim.reserve_seconds
        ):
            raise BudgetSpent(
                f"budget spent ({spent_requests} requests, {spent_seconds:.0f} s of"
                f" {lim.max_requests} requests, {lim.deadline:.0f} s)"
            )

    def send(
        self,
        target: str | None,
        body: bytes,
        *,
        sign: bool,
        content_type: str | None = CONTENT_TYPE,
        authorization: str | None = None,
    ) -> Exchange:
        """POST ``body`` with ``X-Amz-Target: target`` (none when None) and record the exchange;
        ``authorization`` replaces the signature's ``Authorization`` value (a broken signature).

        Raises :class:`BudgetSpent` before sending when the run's budget is spent; a transport
        failure is recorded (``failures``), not raised."""
        self._check_budget()
        headers: list[tuple[str, str]] = []
        if content_type is not None:
            headers.append(("Content-Type", content_type))
        if target is not None:
            headers.append(("X-Amz-Target", target))
        now = datetime.now(UTC)
        if sign:
            signed = sigv4_headers(self.endpoint, headers, body, region=self.region, now=now)
            if authorization is not None:
                signed = [(k, authorization if k == "Authorization" else v) for k, v in signed]
            headers += signed
        headers += [("User-Agent", _USER_AGENT), ("Content-Length", str(len(body)))]
        started = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        index = len(self.exchanges)
        status, out_headers, out_body, failure = self._post(headers, body)
        ex = Exchange(
            tuple(headers),
            body,
            status,
            tuple(out_headers),
            out_body,
            "POST",
            self.endpoint.url,
            index,
            started,
        )
        self.exchanges.append(ex)
        if failure:
            self.failures[index] = failure
        return ex

    def _post(
        self, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int | None, list[tuple[str, str]], bytes | None, str]:
        ep, timeout = self.endpoint, self.limits.timeout
        conn: http.client.HTTPConnection
        if ep.scheme == "https":
            conn = http.client.HTTPSConnection(
                ep.host, ep.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(ep.host, ep.port, timeout=timeout)
        try:
            conn.putrequest("POST", ep.path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", ep.host_header)
            for k, v in headers:
                conn.putheader(k, v)
            conn.endheaders(body)
            resp = conn.getresponse()
            status, out_headers = resp.status, [(str(k), str(v)) for k, v in resp.getheaders()]
            chunks: list[bytes] = []
            size, cut_at = 0, time.monotonic() + timeout
            while True:
                chunk = resp.read(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BODY:
                    return (
                        status,
                        out_headers,
                        b"".join(chunks)[:MAX_BODY],
                        f"response body cut at {MAX_BODY} bytes",
                    )
                if time.monotonic() > cut_at:
                    return (
                        status,
                        out_headers,
                        b"".join(chunks),
                        f"response body not complete after {timeout:g} s",
                    )
            return status, out_headers, b"".join(chunks), ""
        except TimeoutError:
            return None, [], None, f"no answer within {timeout:g} s"
        except ConnectionRefusedError:
            return None, [], None, "connection refused"
        except (OSError, http.client.HTTPException) as exc:
            return None, [], None, f"transport failure ({type(exc).__name__})"
        finally:
            conn.close()
