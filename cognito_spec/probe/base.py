"""The probe's scenario machinery: sending a request, judging it, recording the result.

:class:`ScenarioBase` holds a run's state (the pool, app clients, user and tokens it created) and
the steps every probe shares: send (signed when the operation needs it), judge against the
service's answer (:mod:`cognito_spec.probe.expect`), skip with a reason.  The probes themselves
are in :mod:`.cases` (seed operations, validation, routing) and :mod:`.tokencases`; the order of
a run and its set-up and clean-up in :mod:`.scenario`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from cognito_spec.codec.body import decode_body
from cognito_spec.errors import DecodeError
from cognito_spec.operations import operation
from cognito_spec.probe.expect import (
    Area,
    Expected,
    Scrubber,
    expect_error,
    expect_reference,
    expect_success,
    judge,
)
from cognito_spec.probe.report import ProbeResult
from cognito_spec.probe.transport import Recorder
from cognito_spec.protocol.server import CONTENT_TYPE
from cognito_spec.traffic.record import Exchange

if TYPE_CHECKING:
    from cognito_spec.tokens.keys import SigningKey

__all__ = ["ScenarioBase"]

# Where the library holds each fact the scenario states itself (the rest come from the sans-IO
# layer, whose source is the rule in cognito_spec/protocol/server.py named by the probe).
SRC_MODEL: Final = "the model ({version}): {op} answers {out}"
SRC_TOKENS: Final = "wire-truth.md section 5 [V]; cognito_spec.tokens.judge ({message!r})"
SRC_MESSAGES: Final = "cognito_spec/fixtures/messages.py: {code} ({where})"
SRC_ROUTE: Final = "cognito_spec/protocol/server.py, route(): step 1 (X-Amz-Target routing)"
SRC_PROTOCOL: Final = "cognito_spec/protocol/server.py, route(): step 2 (the Content-Type picks the protocol)"
SRC_AUTH: Final = "cognito_spec/protocol/auth.py (unsigned call to a sigv4 operation)"
SRC_INCOMPLETE: Final = (
    "cognito_spec/protocol/auth.py (a signature without SignedHeaders and Signature; [I] its message)"
)
SRC_DECODE: Final = "cognito_spec/protocol/server.py, decode(): steps 3-4; cognito_spec/validation/answers.py"
SRC_LIFETIME: Final = (
    "wire-truth.md section 5 [V]: an access token lives 5 minutes to 1 day; [I] a lifetime outside"
    " that is refused with InvalidParameterException, message not on record"
)
#: A token of the right form that no key signed: a header, claims and a "signature".
GARBAGE: Final = (
    b'{"alg":"RS256","kid":"cognito-spec-probe"}',
    b'{"token_use":"access"}',
    b"not a signature",
)


def body_of(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def object_of(raw: bytes) -> dict[str, Any]:
    """``raw`` read as a JSON object, or {} (the codec's reader: bounded nesting, typed errors)."""
    try:
        data = decode_body(raw)
    except DecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def json_of(ex: Exchange) -> dict[str, Any]:
    """A success's body as an object ({} when it is not one: the capture checks report that)."""
    if ex.status is None or not 200 <= ex.status < 300 or not ex.response_body:
        return {}
    return object_of(ex.response_body)


class ScenarioBase:
    """One run's state and the steps its probes share (see the module documentation)."""

    def __init__(self, recorder: Recorder, scrub: Scrubber, *, key: SigningKey | None = None) -> None:
        self.rec = recorder
        self.scrub = scrub
        self.key = key
        self.results: list[ProbeResult] = []
        self.stopped = ""
        self.left_behind: list[str] = []
        tag = secrets.token_hex(4)
        self.pool_name = f"cognito-spec-probe-{tag}"
        # The user's name is drawn apart from the pool's: a redacted HAR shows the pool name.
        user_tag = secrets.token_hex(4)
        self.username = f"probe-{user_tag}"
        self.email = f"probe-{user_tag}@example.com"
        # Meets the default password policy: 8+ characters, upper, lower, digit, symbol.
        self.password = f"Pr0be!{secrets.token_urlsafe(12)}"
        self.temporary = f"T3mp!{secrets.token_urlsafe(12)}"
        for name, value in (
            ("username", self.username),
            ("email", self.email),
            ("password", self.password),
            ("temporary password", self.temporary),
        ):
            scrub.add(name, value)
        self.pool_id: str | None = None
        self.client_id: str | None = None
        self.clients: list[str] = []
        self.user_created = False
        self.tokens: dict[str, str] = {}
        #: Why the token probes cannot run (no tokens from the set-up), or empty.
        self._skip_tokens = ""
        self.short_client: str | None = None

    # -- sending and judging -------------------------------------------------------------------
    def send(
        self,
        op_name: str | None,
        body: bytes,
        *,
        target: str | None = None,
        sign: bool | None = None,
        content_type: str | None = CONTENT_TYPE,
        authorization: str | None = None,
    ) -> Exchange:
        """POST ``body`` to ``op_name`` (or the raw ``target``), signed when the operation needs it."""
        if op_name is not None:
            op = operation(op_name)
            target = op.target
            if sign is None:
                sign = op.auth == "sigv4"
        return self.rec.send(
            target, body, sign=bool(sign), content_type=content_type, authorization=authorization
        )

    def probe(
        self,
        pid: str,
        area: Area,
        title: str,
        expected: Expected,
        ex: Exchange,
        extra: Callable[[Exchange], Mapping[str, str | None]] | None = None,
    ) -> bool:
        """Judge ``ex`` against ``expected``, record the result; True when every check passed."""
        failure = self.rec.failures.get(ex.index, "")
        # A probe's own checks read a success's body: they are not run on a refusal or a failure.
        more = extra(ex) if extra is not None and self.succeeded(ex) else None
        got, checks, findings = judge(ex, expected, area, self.scrub, failure=failure, extra=more)
        ok = all(c.ok for c in checks)
        self.results.append(
            ProbeResult(
                pid,
                area,
                title,
                "pass" if ok else "fail",
                expected,
                got,
                tuple(checks),
                tuple(findings),
                (ex.index,),
            )
        )
        return ok and not failure

    def reference(
        self, pid: str, area: Area, title: str, op_name: str | None, body: bytes, source: str, **kw: Any
    ) -> Exchange:
        """Send a request and judge it against the library's own answer to the same bytes."""
        ex = self.send(op_name, body, **kw)
        self.probe(pid, area, title, expect_reference(ex.request_headers, body, source), ex)
        return ex

    def skip(self, pid: str, area: Area, title: str, reason: str) -> None:
        self.results.append(ProbeResult(pid, area, title, "skip", reason=reason))

    def succeeded(self, ex: Exchange) -> bool:
        return ex.status is not None and 200 <= ex.status < 300

    def _model(self, op_name: str) -> str:
        from cognito_spec.shapes import MODEL_VERSION

        op = operation(op_name)
        out = op.output.__name__ if op.output is not None else "an empty object"
        return SRC_MODEL.format(version=MODEL_VERSION, op=op_name, out=out)

    def create_client(self, pid: str, title: str, extra: dict[str, Any]) -> str | None:
        body = {
            "UserPoolId": self.pool_id,
            "ClientName": "cognito-spec-probe",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            **extra,
        }
        ex = self.send("CreateUserPoolClient", body_of(body))
        client = json_of(ex).get("UserPoolClient", {})
        client_id = client.get("ClientId") if isinstance(client, dict) else None
        if isinstance(client_id, str):
            self.clients.append(client_id)
        if not extra:
            self.probe(
                pid,
                "operations",
                title,
                expect_success(self._model("CreateUserPoolClient")),
                ex,
                lambda _: {"client id": None if isinstance(client_id, str) else "no UserPoolClient.ClientId"},
            )
        else:
            self.probe(
                pid,
                "validation",
                title,
                expect_error("InvalidParameterException", None, SRC_LIFETIME, message_known=False),
                ex,
            )
        return client_id if isinstance(client_id, str) else None

    def sign_in(self, pid: str, title: str, client_id: str) -> dict[str, str] | None:
        ex = self.send(
            "InitiateAuth",
            body_of(
                {
                    "AuthFlow": "USER_PASSWORD_AUTH",
                    "ClientId": client_id,
                    "AuthParameters": {"USERNAME": self.username, "PASSWORD": self.password},
                }
            ),
        )
        result = json_of(ex).get("AuthenticationResult", {})
        tokens = {
            k: result[k]
            for k in ("AccessToken", "IdToken", "RefreshToken")
            if isinstance(result, dict) and isinstance(result.get(k), str)
        }
        for k, v in tokens.items():
            self.scrub.add(k, v)

        def got_tokens(_: Exchange) -> dict[str, str | None]:
            missing = [k for k in ("AccessToken", "IdToken", "RefreshToken") if k not in tokens]
            return {"tokens": "no " + ", ".join(missing) if missing else None}

        self.probe(
            pid,
            "tokens" if pid != "setup/InitiateAuth" else "operations",
            title,
            expect_success(self._model("InitiateAuth")),
            ex,
            got_tokens,
        )
        return tokens if len(tokens) == 3 else None
