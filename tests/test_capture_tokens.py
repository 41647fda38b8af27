"""Access tokens in captures: the service's answer to a token, judged at the time of the exchange.

The oracle is :func:`cognito_spec.tokens.judge_access_token`: for tokens it signs and clocks it
draws, a capture's verdict must say what the judge says, but for what a capture cannot know
(revocation).  Then the findings one by one, the fast path, the AuthenticationResult check, and a
peer's capture through ``cognito-spec validate``.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import OPERATIONS, tokens
from cognito_spec import fixtures as fx
from cognito_spec.tokens.claims import CLAIM_FIELDS
from cognito_spec.traffic.check import Finding, _Checker, examine
from cognito_spec.traffic.record import Exchange, write_jsonl
from cognito_spec.traffic.tokens import (
    TOKEN_CHARS,
    TokenRead,
    _full_read,
    _parsed_time,
    _quick_read,
    authentication_result_findings,
    capture_time,
    issues_tokens,
    read_verdict,
)

POOL = "eu-west-1_AbCdEf123"
TOKEN_OPS = [op for op in OPERATIONS.values() if op.auth == "access_token"]
GET_USER = OPERATIONS["GetUser"]
ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def issuer() -> tokens.TokenIssuer:
    pytest.importorskip("joserfc")
    return tokens.TokenIssuer(pool_id=POOL, access_key=tokens.SigningKey.generate())


def iso(at: float) -> str:
    """An exchange time as a HAR writes it (milliseconds, Z)."""
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def exchange(op: Any, token: str, started: str | None, message: str | None = None) -> Exchange:
    """A clean exchange of ``op`` carrying ``token``: a success, or NotAuthorized with ``message``."""
    g = fx.Generator(fx.RandomSource(f"capture-tokens/{op.name}"))
    ex = g.exchange(op, outcome="response")
    # The operation's own request, its token replaced (ChangePassword needs ProposedPassword too).
    body = json.dumps({**json.loads(ex.request_body or b"{}"), "AccessToken": token}).encode()
    headers = tuple((k, str(len(body)) if k == "Content-Length" else v) for k, v in ex.request_headers)
    ex = attrs.evolve(ex, request_body=body, request_headers=headers, started=started)
    if message is not None:
        status, rh, rb = g.failure(cs.NotAuthorizedException(message))
        ex = attrs.evolve(ex, status=status, response_headers=rh, response_body=rb)
    return ex


def token_kinds(ex: Exchange) -> list[tuple[str, str]]:
    return [(f.severity, f.kind) for f in examine(ex).findings if "token" in f.kind]


def full(ex: Exchange) -> tuple[Finding, ...]:
    rh = {k.lower(): v for k, v in reversed(ex.request_headers)}
    return _Checker(ex, False).run(rh).findings


# --------------------------------------------------------------------------------------------------
# The oracle: judge_access_token.

CLOCK = 1_700_000_000


@settings(max_examples=max(20, settings().max_examples // 3), deadline=None)
@given(
    op=st.sampled_from(TOKEN_OPS),
    issued=st.integers(CLOCK - 200_000, CLOCK),
    lifetime=st.integers(300, 86_400),
    skew_ms=st.integers(-90_000_000, 90_000_000),
    scope=st.sampled_from([tokens.ADMIN_SCOPE, "openid email", f"openid {tokens.ADMIN_SCOPE}", "openid"]),
    use=st.sampled_from(["access", "id"]),
    revoked=st.booleans(),
)
def test_capture_verdicts_agree_with_the_judge(
    op: Any, issued: int, lifetime: int, skew_ms: int, scope: str, use: str, revoked: bool
) -> None:
    signer = issuer()
    made = signer.issue(sub="s", username="u", client_id="c", now=issued, scope=scope)
    claims = attrs.evolve(made.access_claims, exp=issued + lifetime)
    token = signer.sign(claims) if use == "access" else made.id_token
    now = claims.exp + skew_ms / 1000  # around the boundary, both sides, exactly on it too

    def judge(revoked: bool) -> str | None:
        try:
            tokens.judge_access_token(
                token, keys=signer.verification_keys(), now=now, pool_id=POOL, is_revoked=lambda _: revoked
            )
        except cs.NotAuthorizedException as refused:
            return refused.message
        return None

    answer, unrevoked = judge(revoked), judge(False)
    # The service's own answer never gets a token finding ...
    assert token_kinds(exchange(op, token, iso(now), answer)) == []
    # ... and a success gets one exactly when the judge refuses a token it has not revoked (the
    # capture cannot see revocation, and a success for an unrevoked token it refuses is wrong).
    accepted = token_kinds(exchange(op, token, iso(now)))
    expected_kind = {
        None: None,
        cs.INVALID_ACCESS_TOKEN: "id_token_accepted",
        cs.ACCESS_TOKEN_EXPIRED: "token_expired_accepted",
        cs.ACCESS_TOKEN_MISSING_SCOPES: "token_scope_accepted",
    }[unrevoked]
    assert accepted == ([] if expected_kind is None else [("error", expected_kind)])
    # Expired iff now >= exp, to the millisecond the capture keeps.
    at = capture_time(iso(now))
    assert at is not None
    assert (read_verdict(token, at).refusal == cs.ACCESS_TOKEN_EXPIRED) == (
        use == "access" and at >= claims.exp
    )


def test_expired_from_the_second_of_exp_on() -> None:
    signer = issuer()
    made = signer.issue(sub="s", username="u", client_id="c", now=CLOCK)
    exp = made.access_claims.exp
    assert token_kinds(exchange(GET_USER, made.access_token, iso(exp - 0.001))) == []
    for at in (exp, exp + 0.001):
        assert token_kinds(exchange(GET_USER, made.access_token, iso(at))) == [
            ("error", "token_expired_accepted")
        ]


# --------------------------------------------------------------------------------------------------
# The findings, one by one.


def test_a_garbage_token_within_the_pattern_must_be_refused_as_invalid() -> None:
    ex = exchange(GET_USER, "not-a-valid-token", iso(CLOCK))
    assert token_kinds(ex) == [("error", "token_invalid_accepted")]
    assert token_kinds(exchange(GET_USER, "not-a-valid-token", iso(CLOCK), cs.INVALID_ACCESS_TOKEN)) == []
    # Another of the four messages for it: a fidelity warning on the server's side.
    (f,) = list(examine(exchange(GET_USER, "x", iso(CLOCK), cs.ACCESS_TOKEN_EXPIRED)).findings)
    assert (f.severity, f.kind, f.side, f.pointer) == ("warning", "token_message", "server", "/message")
    assert "Invalid Access Token" in f.message


def test_a_message_outside_the_four_is_a_fidelity_warning_whatever_the_token() -> None:
    made = issuer().issue(sub="s", username="u", client_id="c", now=CLOCK)
    for token in (made.access_token, "garbage"):
        found = examine(exchange(GET_USER, token, iso(CLOCK + 10), "Invalid token")).findings
        assert [(f.severity, f.kind) for f in found] == [("warning", "token_message")]
        assert "Invalid token" not in found[0].message + found[0].detail  # shown only with reveal
        revealed = examine(exchange(GET_USER, token, iso(CLOCK + 10), "Invalid token"), reveal=True)
        assert "'Invalid token'" in revealed.findings[0].detail


def test_without_a_time_expiry_is_not_judged_and_the_finding_says_so() -> None:
    made = issuer().issue(sub="s", username="u", client_id="c", now=CLOCK)
    for started in (None, "yesterday", "2023-11-14T22:13:20"):  # absent, not ISO 8601, no offset
        (f,) = examine(exchange(GET_USER, made.access_token, started)).findings
        assert (f.severity, f.kind, f.side) == ("warning", "token_time_unknown", "capture")
        assert "could not be judged" in f.message
        # Every answer the service could give is then accepted as its own.
        for message in (cs.ACCESS_TOKEN_EXPIRED, cs.ACCESS_TOKEN_REVOKED, cs.INVALID_ACCESS_TOKEN):
            assert token_kinds(exchange(GET_USER, made.access_token, started, message)) == []
    # What does not need the time is still judged: an ID token, a token without the scope.
    assert token_kinds(exchange(GET_USER, made.id_token, None)) == [("error", "id_token_accepted")]
    scoped = issuer().issue(sub="s", username="u", client_id="c", now=CLOCK, scope="openid")
    assert token_kinds(exchange(GET_USER, scoped.access_token, None)) == [("error", "token_scope_accepted")]
    assert token_kinds(exchange(GET_USER, scoped.access_token, None, cs.ACCESS_TOKEN_EXPIRED)) == []


def test_no_token_finding_quotes_the_token_or_a_claim() -> None:
    made = issuer().issue(sub="secret-sub", username="secret-user", client_id="client", now=CLOCK)
    for ex in (
        exchange(GET_USER, made.id_token, iso(CLOCK)),
        exchange(GET_USER, made.access_token, iso(CLOCK + 7200)),
        exchange(GET_USER, made.access_token, None),
        exchange(GET_USER, made.access_token, iso(CLOCK + 7200), cs.ACCESS_TOKEN_REVOKED),
    ):
        for f in examine(ex).findings:
            text = json.dumps(f.to_json())
            for secret in ("secret-sub", "secret-user", made.access_token[:40], made.id_token[:40], "client"):
                assert secret not in text


def test_capture_times_are_iso_8601_with_an_offset() -> None:
    assert capture_time("2026-11-26T16:37:40.057Z") == 1795711060.057
    assert capture_time("2026-11-26T17:37:40.057+01:00") == 1795711060.057
    assert [capture_time(v) for v in (None, "", "2026-11-26T16:37:40", "x", 5)] == [None] * 5


@given(moment=st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)), ms=st.integers(0, 999))
def test_a_capture_time_in_the_usual_form_is_the_timestamp_fromisoformat_gives(
    moment: datetime, ms: int
) -> None:
    # capture_time reads the usual form from a table of whole seconds; the float must be the one
    # the parse (fromisoformat, then timestamp) gives, to the last bit, at every second of every year.
    started = moment.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0") + f".{ms:03d}Z"
    assert capture_time(started) == _parsed_time(started)
    assert capture_time(started) == capture_time(started)  # the second read comes from the table


@given(
    moment=st.datetimes(datetime(1970, 1, 1), datetime(2100, 1, 1)),
    at=st.integers(0, 23),
    c=st.sampled_from("0159-:.TZ+ \u0660\u00b2x\U0001d7ce"),
)
def test_a_near_usual_capture_time_reads_as_fromisoformat_reads_it(moment: datetime, at: int, c: str) -> None:
    # One character of the usual form changed: a non-ASCII digit, a month 13, a lost separator, a
    # sign where Z was.  The table must not take what fromisoformat refuses, or read it otherwise.
    usual = moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond // 1000:03d}Z"
    started = usual[:at] + c + usual[at + 1 :]
    assert capture_time(started) == _parsed_time(started)


@pytest.mark.parametrize(
    ("kind", "later", "scope"),
    [
        ("access", 0, None),
        ("access", 7200, None),
        ("access", 0, "openid"),
        ("id", 0, None),
        ("garbage", 0, None),
    ],
    ids=["good", "expired", "no-scope", "id-token", "no-jwt"],
)
def test_redaction_keeps_the_token_verdict_and_drops_every_personal_claim(
    kind: str, later: int, scope: str | None
) -> None:
    """A shared capture is judged as the original: a readable token becomes a stand-in that a judge
    reads alike, and nothing in it names the user (tokens.standin)."""
    made = issuer().issue(
        sub="secret-sub",
        username="secret-user",
        client_id="secret-client",
        now=CLOCK,
        **({"scope": scope} if scope else {}),
    )
    token = {"access": made.access_token, "id": made.id_token, "garbage": "not-a-jwt"}[kind]
    ex = exchange(GET_USER, token, iso(CLOCK + later))
    copy = cs.redact_exchange(ex)
    assert token_kinds(copy) == token_kinds(ex)
    assert b"secret" not in (copy.request_body or b"")
    assert token.encode() not in (copy.request_body or b"")


# --------------------------------------------------------------------------------------------------
# The fast path proves nothing the full check would find.


@settings(max_examples=max(20, settings().max_examples // 3), deadline=None)
@given(
    trouble=st.sampled_from((None, *fx.TROUBLES)),
    accepted=st.booleans(),
    seed=st.integers(0, 2**32),
    started=st.sampled_from(["keep", "drop", "later"]),
)
def test_the_fast_path_agrees_with_the_full_check_on_tokens(
    trouble: fx.TokenTrouble | None, accepted: bool, seed: int, started: str
) -> None:
    from cognito_spec.traffic.fast import quick_headers, quick_valid

    g = fx.Generator(fx.RandomSource(seed), fx.Options(token=trouble))
    ex = g.exchange(GET_USER, token_accepted=accepted)
    if started == "drop":
        ex = attrs.evolve(ex, started=None)
    elif started == "later":  # a day and a half on: every token has expired
        at = capture_time(ex.started)
        assert at is not None
        ex = attrs.evolve(ex, started=iso(at + 130_000))
    assert ex.request_body is not None and ex.response_body is not None and ex.status is not None
    name = quick_valid(
        ex.method,
        quick_headers(ex.request_headers) or {},
        ex.request_body.decode(),
        ex.status,
        quick_headers(ex.response_headers) or {},
        ex.response_body.decode(),
        ex.started,
    )
    found = full(ex)
    assert examine(ex).findings == found
    if name is not None:
        assert found == ()


#: The operations whose input is the access token alone: for a success, the token's reading stands
#: for the input's check on the fast path (traffic.fast._token_only, from the model).
TOKEN_ONLY = ["GetUser", "GetUserAuthFactors", "GlobalSignOut", "StartWebAuthnRegistration"]


def _quick_args(ex: Exchange) -> tuple[Any, ...]:
    from cognito_spec.traffic.fast import quick_headers

    assert ex.request_body is not None and ex.response_body is not None and ex.status is not None
    return (
        ex.method,
        quick_headers(ex.request_headers) or {},
        ex.request_body.decode("utf-8", "surrogatepass"),
        ex.status,
        quick_headers(ex.response_headers) or {},
        ex.response_body.decode(),
        ex.started,
    )


def test_the_operations_whose_token_reading_proves_the_request_are_those_of_the_token_alone() -> None:
    from cognito_spec.operations import TARGET_PREFIX
    from cognito_spec.traffic.fast import _quick_for

    found = [name for name in OPERATIONS if (q := _quick_for(f"{TARGET_PREFIX}.{name}")) and q.token_only]
    assert sorted(found) == TOKEN_ONLY


@settings(max_examples=max(40, settings().max_examples // 2), deadline=None)
@given(
    seed=st.integers(0, 2**32),
    op=st.sampled_from(TOKEN_ONLY),
    segment=st.integers(0, 2),
    where=st.floats(0, 1),
    c=st.sampled_from("+/=!é ~*:"),
)
def test_a_token_only_success_whose_token_leaves_base64url_goes_to_the_full_check(
    seed: int, op: str, segment: int, where: float, c: str
) -> None:
    # The input's checker is not run for these successes: the reading must refuse every token
    # the checker refuses (outside the pattern: "+", "!", ...) and those it passes but the service
    # cannot read ("=" in a segment).  Without the signature's alphabet test, or with the checker's
    # word taken for it (checked=True), "+" in the signature would be proved clean.
    from cognito_spec.traffic.fast import quick_valid

    g = fx.Generator(fx.RandomSource(seed), fx.Options())
    ex = g.exchange(OPERATIONS[op], token_accepted=True)
    # The exchange as made is proved clean quickly (always, but for StartWebAuthnRegistration's
    # document output at times, which the fast path leaves to the full check: nothing to test then).
    assume(quick_valid(*_quick_args(ex)) == op)

    def body(token: str) -> bytes:  # as the service's clients write it, as the exchange has it
        return json.dumps({"AccessToken": token}, ensure_ascii=False, separators=(",", ":")).encode()

    token = json.loads(ex.request_body or b"")["AccessToken"]
    assert ex.request_body == body(token)
    parts = token.split(".")
    at = int(where * (len(parts[segment]) - 1))
    parts[segment] = parts[segment][:at] + c + parts[segment][at + 1 :]
    damaged = attrs.evolve(ex, request_body=body(".".join(parts)))
    assert quick_valid(*_quick_args(damaged)) is None
    assert full(damaged) != ()


# --------------------------------------------------------------------------------------------------
# Tokens as issued: AuthenticationResult (InitiateAuth, RespondToAuthChallenge and the rest).


def result(**changes: Any) -> dict[str, Any]:
    made = issuer().issue(sub="s", username="u", client_id="c", now=CLOCK)
    out = {
        "AccessToken": made.access_token,
        "ExpiresIn": made.expires_in,
        "TokenType": made.token_type,
        "RefreshToken": made.refresh_token,
        "IdToken": made.id_token,
    }
    out.update(changes)
    return {k: v for k, v in out.items() if v is not None}


def result_kinds(value: Any) -> list[tuple[str, str]]:
    return [(f.kind, f.pointer) for f in authentication_result_findings(value)]


def test_an_issued_result_as_the_service_writes_it_has_no_finding() -> None:
    assert result_kinds(result()) == []
    assert result_kinds(result(RefreshToken=None, IdToken=None)) == []


def test_each_departure_of_an_issued_result() -> None:
    other = tokens.TokenIssuer(pool_id="us-east-1_Other1", access_key=issuer().access_key)
    stranger = other.issue(sub="s", username="u", client_id="c", now=CLOCK)
    good = result()
    p = "/AuthenticationResult"
    assert result_kinds(result(AccessToken="a.b")) == [("issued_token", f"{p}/AccessToken")]
    assert result_kinds(result(AccessToken=good["IdToken"])) == [("issued_token", f"{p}/AccessToken")]
    assert result_kinds(result(IdToken=good["AccessToken"])) == [("issued_token", f"{p}/IdToken")]
    assert result_kinds(result(ExpiresIn=3599)) == [("expires_in", f"{p}/ExpiresIn")]
    assert result_kinds(result(TokenType="bearer")) == [("token_type", f"{p}/TokenType")]
    assert result_kinds(result(IdToken=stranger.id_token)) == [("token_issuer", f"{p}/IdToken")]
    assert result_kinds(result(RefreshToken="r.e.f")) == [("issued_token", f"{p}/RefreshToken")]
    assert result_kinds("not a dict") == []


#: The operations whose output carries AuthenticationResult (the sign-in family): the issued-result
#: check runs for these and no other.
ISSUING = {
    "AdminInitiateAuth",
    "AdminRespondToAuthChallenge",
    "GetTokensFromRefreshToken",
    "InitiateAuth",
    "RespondToAuthChallenge",
}


def test_the_issued_result_check_runs_for_the_operations_that_issue_tokens() -> None:
    assert {op.name for op in OPERATIONS.values() if issues_tokens(op.output)} == ISSUING


@given(
    op=st.sampled_from(sorted(ISSUING)), trouble=st.sampled_from(["ExpiresIn", "TokenType", "RefreshToken"])
)
@settings(max_examples=15)
def test_an_issued_result_is_judged_in_every_sign_in_response(op: str, trouble: str) -> None:
    """Through the whole check, for each operation that issues tokens: a result as the service
    writes it has no finding, one departure gives its finding, and the fast path leaves it to the
    full check, which decides."""
    g = fx.Generator(fx.RandomSource(f"issued/{op}"))
    ex = g.exchange(OPERATIONS[op], outcome="response")
    good = {"AuthenticationResult": result()}
    body = json.dumps(good).encode()
    clean = attrs.evolve(ex, response_body=body, response_headers=_length(ex.response_headers, body))
    assert examine(clean).findings == full(clean) == ()
    bad_value = {"ExpiresIn": 3599, "TokenType": "bearer", "RefreshToken": "r.e.f"}[trouble]
    broken = json.dumps({"AuthenticationResult": result(**{trouble: bad_value})}).encode()
    changed = attrs.evolve(ex, response_body=broken, response_headers=_length(ex.response_headers, broken))
    found = examine(changed).findings
    assert [
        (f.severity, f.pointer) for f in found if f.kind in ("expires_in", "token_type", "issued_token")
    ] == [("error", f"/AuthenticationResult/{trouble}")]
    assert found == full(changed)


def _length(headers: Any, body: bytes) -> Any:
    return tuple((k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers)


# --------------------------------------------------------------------------------------------------
# A peer's capture: an emulator that accepts what the service refuses, through the CLI.


def test_a_peer_capture_of_an_emulator_accepting_bad_tokens(tmp_path: Path) -> None:
    wrong = {
        "expired": "token_expired_accepted",
        "no_scope": "token_scope_accepted",
        "id_token": "id_token_accepted",
    }
    exchanges = []
    for i, trouble in enumerate(wrong):
        g = fx.Generator(fx.RandomSource(f"peer/{trouble}"), fx.Options(token=trouble))  # type: ignore[arg-type]
        exchanges.append(attrs.evolve(g.exchange(GET_USER, token_accepted=True), index=i))
    # And the same emulator answering a good token, and a refused one, as the service does.
    exchanges.append(
        attrs.evolve(
            fx.Generator(fx.RandomSource("peer/good")).exchange(GET_USER, outcome="response"), index=3
        )
    )
    g = fx.Generator(fx.RandomSource("peer/refused"), fx.Options(token="expired"))
    exchanges.append(attrs.evolve(g.exchange(GET_USER), index=4))
    path = tmp_path / "peer.jsonl"
    with path.open("w", encoding="utf-8") as fp:
        write_jsonl(exchanges, fp)
    proc = subprocess.run(
        [sys.executable, "-m", "cognito_spec", "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr
    *findings, summary = (json.loads(line) for line in proc.stdout.splitlines())
    assert [(f["index"], f["severity"], f["kind"], f["side"]) for f in findings] == [
        (i, "error", kind, "server") for i, kind in enumerate(wrong.values())
    ]
    assert (summary["valid"], summary["invalid"]) == (2, 3)


def test_a_refresh_tokens_stand_in_is_read_as_a_refresh_token_and_keeps_nothing_else() -> None:
    """A redacted refresh token (a JWE) keeps the judge's verdict: the header and the segment
    lengths stay, every other byte is zero (redacting an issued result added a finding before)."""
    from cognito_spec.tokens.decode import looks_like_refresh_token
    from cognito_spec.tokens.standin import standin
    from cognito_spec.tokens.wire import b64url_encode, json_segment

    header = json_segment({"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"})
    secret = [b64url_encode(bytes(i % 251 + 1 for i in range(n))) for n in (256, 12, 700, 16)]
    token = ".".join([header, *secret])
    assert looks_like_refresh_token(token)
    stand = standin(token)
    assert stand is not None and looks_like_refresh_token(stand)
    assert stand.split(".")[0] == header
    assert [len(p) for p in stand.split(".")] == [len(p) for p in token.split(".")]
    assert not any(p in stand for p in secret)


# --------------------------------------------------------------------------------------------------
# The quick reading of a token (traffic.tokens._quick_read) says what the full reading says, or
# nothing: tokens in the service's form, then every way of leaving it.

_CLAIM_NAMES = sorted(
    {"token_use", "extra", "custom:tenant", *(c.name for cls in CLAIM_FIELDS.values() for _, c in cls)}
)
_VALUES = st.one_of(
    st.text(max_size=8),
    st.integers(-5, 2**70),
    st.sampled_from([0, 1, 253402300799, 253402300800, -1, 2**63, 2**64 + 1]),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.text(max_size=4), max_size=3),
    st.lists(st.integers(0, 3), min_size=1, max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
    st.sampled_from(["access", "id", "aws.cognito.signin.user.admin", "openid email", "\ud800", "é/"]),
    # Quotes, backslashes and slashes in values: the payload's duplicate-key proof counts quotes.
    st.sampled_from(['a"b', "\\", '/"/', "\\/", "x/y"]),
)


def _good_payload(kind: str) -> dict[str, Any]:
    claims = {
        "sub": "s", "iss": "https://cognito-idp.eu-west-1.amazonaws.com/" + POOL, "client_id": "c",
        "token_use": kind, "scope": "aws.cognito.signin.user.admin", "auth_time": 1700000000,
        "exp": 1700003600, "iat": 1700000000, "jti": "j", "username": "u", "cognito:groups": ["g"],
    }  # fmt: skip
    if kind == "id":
        claims.update({"aud": "c", "cognito:username": "u", "email_verified": True})
    return claims


@st.composite
def _tokens(draw: st.DrawFn) -> str:
    from cognito_spec.tokens.wire import b64url_encode, write_json

    header = draw(
        st.sampled_from(
            [
                b'{"kid":"k1","alg":"RS256"}',
                b'{"kid":"k1","alg":"HS256"}',
                b'{"alg":"RS256"}',
                b'{"kid":"k1","alg":"RS256","alg":"RS256"}',
                b'{"kid":"k\\/1","alg":"RS256","typ":"JWT"}',
                b"not json",
            ]
        )
    )
    payload = _good_payload(draw(st.sampled_from(["access", "id"])))
    if not draw(st.integers(0, 3)):  # a time at or beyond the bounds of what a datetime holds
        payload[draw(st.sampled_from(["exp", "iat", "auth_time"]))] = draw(
            st.sampled_from([-1, 0, 253402300799, 253402300800, 2**63, True, "1700000000"])
        )
    for name in draw(st.lists(st.sampled_from(_CLAIM_NAMES), max_size=draw(st.sampled_from([0, 0, 3])))):
        if draw(st.booleans()):
            payload.pop(name, None)
        else:
            payload[name] = draw(_VALUES)
    try:
        text = write_json(payload)
    except cs.CognitoSpecError:
        text = json.dumps(payload).encode("utf-8", "surrogatepass")
    edit = draw(
        st.sampled_from(
            ["none"] * 6
            + ["spaces", "ascii", "duplicate", "duplicate", "duplicate escaped", "escaped key"]
            + ["pad", "trail"]
        )
    )
    if edit == "spaces":
        text = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
    elif edit == "ascii":
        text = json.dumps(payload).encode()
    elif edit == "duplicate":
        again = draw(st.sampled_from(sorted(payload) or ["sub"]))  # a repeated member, its value a string
        text = text[:-1] + b',"' + again.encode() + b'":"x"}'
    elif edit == "duplicate escaped":  # a repeated member whose value holds escapes (\/ or \")
        again = draw(st.sampled_from(sorted(payload) or ["sub"]))
        value = draw(st.sampled_from([b"\\/", b'\\"', b"\\\\", b'\\/\\"']))
        text = text[:-1] + b',"' + again.encode() + b'":"' + value + b'"}'
    elif edit == "escaped key":
        text = text.replace(b'"exp"', b'"\\u0065xp"', 1)
    elif edit == "pad":
        text = b" " + text
    elif edit == "trail":
        text = text + draw(st.sampled_from([b" ", b"\n", b"x", b"{}"]))
    segments = [b64url_encode(header), b64url_encode(text), b64url_encode(draw(st.binary(max_size=9)))]
    i = draw(st.integers(0, 2))
    damage = draw(
        st.sampled_from(
            ["none", "last char", "last char", "padding", "extra char", "odd char", "odd char in place"] * 2
            + ["dots"]
        )
    )
    if damage == "last char" and segments[i]:
        c = draw(st.sampled_from("AQgwBRhxEIcs048-_"))
        segments[i] = segments[i][:-1] + c
    elif damage == "padding":
        segments[i] += "="
    elif damage == "extra char":
        segments[i] += draw(st.sampled_from("Ab_-"))
    elif damage == "odd char":
        segments[i] = segments[i][:1] + draw(st.sampled_from("+/ é.")) + segments[i][1:]
    elif damage == "odd char in place" and len(segments[i]) > 1:  # the length (and its rules) kept
        at = draw(st.integers(0, len(segments[i]) - 2))
        segments[i] = segments[i][:at] + draw(st.sampled_from("+/= é!.")) + segments[i][at + 1 :]
    elif damage == "dots":
        segments.append(segments[i])
    return ".".join(segments)


@settings(max_examples=max(200, settings().max_examples * 2))
@given(token=_tokens())
def test_the_quick_token_reading_says_what_the_full_reading_says_or_nothing(token: str) -> None:
    from cognito_spec.codec.body import use_orjson

    full = _full_read(token)
    # checked=True: the input's checker passed the token (TOKEN_CHARS only); the same reading.
    passed = "".join(c if c in TOKEN_CHARS else "=" for c in token)
    for orjson in (True, False):
        previous = use_orjson(orjson)
        try:
            quick = _quick_read(token)
            assert _quick_read(passed, checked=True) == _quick_read(passed)
        finally:
            use_orjson(previous)
        assert quick is None or quick == full


def test_a_character_outside_base64url_in_any_segment_makes_the_token_invalid() -> None:
    # The quick reading checks each segment's alphabet apart (the header by read_header, the
    # payload by its strict decoding, the signature by a translation): each must refuse alone.
    from cognito_spec.tokens.wire import b64url_encode, json_segment

    segments = [json_segment({"kid": "k1", "alg": "RS256"}), json_segment(_good_payload("access"))]
    segments.append(b64url_encode(b"a signature"))
    assert _quick_read(".".join(segments)) == _full_read(".".join(segments)) != TokenRead("invalid")
    for i, segment in enumerate(segments):
        for at in (0, len(segment) // 2, len(segment) - 2):
            for c in "+/= !é":
                changed = [*segments]
                changed[i] = segment[:at] + c + segment[at + 1 :]
                token = ".".join(changed)
                assert _full_read(token) == TokenRead("invalid")
                assert _quick_read(token) in (None, TokenRead("invalid"))


def test_tokens_in_the_service_form_are_read_quickly() -> None:
    from cognito_spec.tokens.wire import b64url_encode, json_segment

    made = issuer().issue(sub="s", username="u", client_id="c", now=1700000000)
    for token in (made.access_token, made.id_token):
        assert _quick_read(token) is not None
        assert _quick_read(token) == _full_read(token)
    scopeless = {**_good_payload("access"), "scope": "openid"}
    token = ".".join(
        [json_segment({"kid": "k", "alg": "RS256"}), json_segment(scopeless), b64url_encode(b"s")]
    )
    assert _quick_read(token) == _full_read(token) == TokenRead(None, 1700003600, scoped=False)


@given(drawn=st.lists(_tokens(), min_size=2, max_size=4))
def test_a_cached_reading_is_the_tokens_own_when_tokens_end_alike(drawn: list[str]) -> None:
    # The cache is keyed by a token's last 24 characters: tokens that share them keep apart.
    from cognito_spec.traffic.tokens import read_token

    alike = [t + drawn[0][-24:] for t in drawn[1:]]
    for token in [*drawn, *alike, *reversed(drawn), *alike]:
        assert read_token(token) == (_quick_read(token) or _full_read(token))


def test_the_token_cache_stays_bounded_and_a_reading_shows_no_token() -> None:
    from cognito_spec.traffic import tokens as capture_tokens

    made = issuer().issue(sub="s", username="u", client_id="c", now=1700000000).access_token
    for i in range(5000):
        capture_tokens.read_token(f"{made}{i:x}")
    assert len(capture_tokens._READS) <= 4096
    read = capture_tokens.read_token(made)
    assert read == _full_read(made) and not any(part in repr(read) for part in made.split("."))
