"""`cognito-spec probe`: what it may talk to, how it bounds itself, what its report may quote.

The scenario's verdicts are specified against real emulators: tests/test_probe_moto.py (moto,
pinned) and tests/test_emulator_example.py (the shipped example, which passes every probe).
Here the probe meets servers written to misbehave: silent, endless, echoing secrets.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognito_spec.errors import CognitoSpecError, ProbeError, ProbeRefusedError
from cognito_spec.probe import Limits, run_probe, write_har
from cognito_spec.probe.safety import endpoint_of, is_loopback
from cognito_spec.probe.transport import FAKE_ACCESS_KEY, sigv4_headers

Handler = Callable[[BaseHTTPRequestHandler, bytes], None]


@contextmanager
def server(handle: Handler) -> Iterator[str]:
    """A threaded HTTP server on a free loopback port answering every POST with ``handle``."""

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with suppress(BrokenPipeError, ConnectionResetError):
                handle(self, body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def answer(
    h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str = "application/x-amz-json-1.1"
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


# -- what the probe may talk to -------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9229",
        "http://127.5.6.7:1/",
        "http://localhost:5000",
        "http://[::1]:8080",
        "https://localhost",
    ],
)
def test_loopback_endpoints_are_probed(url: str) -> None:
    ep = endpoint_of(url)
    assert is_loopback(ep.host) and ep.path.startswith("/")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://10.0.0.5:9229", "not a loopback address"),
        ("http://emulator.internal:9229", "not a loopback address"),
        ("https://cognito-idp.us-east-1.amazonaws.com", "real service"),
        ("https://cognito-idp.eu-west-1.amazonaws.com.", "real service"),
        ("ftp://127.0.0.1/", "http:// or https://"),
        ("http://user:secret@127.0.0.1:9229", "user information"),
        ("http://127.0.0.1:99999", "not a URL"),
        ("http://127.0.0.1:9229/?a=1", "query"),
        ("127.0.0.1:9229", "http:// or https://"),
    ],
)
def test_other_endpoints_are_refused_before_anything_is_sent(url: str, why: str) -> None:
    with pytest.raises(ProbeRefusedError, match=why):
        run_probe(url)


def test_a_named_host_is_allowed_but_never_an_aws_one() -> None:
    assert endpoint_of("http://emulator.internal:9229", allow_hosts=["emulator.internal"]).port == 9229
    with pytest.raises(ProbeRefusedError, match="real service"):
        endpoint_of(
            "https://cognito-idp.us-east-1.amazonaws.com", allow_hosts=["cognito-idp.us-east-1.amazonaws.com"]
        )


@given(st.text(max_size=40))
def test_any_text_as_url_is_an_endpoint_or_a_typed_refusal(text: str) -> None:
    with suppress(ProbeRefusedError):
        endpoint_of(text)


# -- fake but real signatures -----------------------------------------------------------------------
def test_the_signature_is_botocores_for_the_same_request_and_fake_keys() -> None:
    botocore = pytest.importorskip("botocore")
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    ep = endpoint_of("http://127.0.0.1:9229")
    body = b'{"UserPoolId":"us-east-1_Abc","Username":"u"}'
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser"),
    ]
    request = AWSRequest(method="POST", url="http://127.0.0.1:9229/", data=body, headers=dict(headers))
    SigV4Auth(Credentials(FAKE_ACCESS_KEY, "test"), "cognito-idp", "eu-west-1").add_auth(request)
    # Signed at botocore's instant, the two must agree to the byte.
    now = datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    ours = dict(sigv4_headers(ep, headers, body, region="eu-west-1", now=now))
    assert botocore is not None
    assert ours["X-Amz-Date"] == request.headers["X-Amz-Date"]
    assert ours["Authorization"] == request.headers["Authorization"]


# -- bounded ---------------------------------------------------------------------------------------
def test_an_endpoint_that_never_answers_is_a_probe_error_within_the_time_limit() -> None:
    def silent(h: BaseHTTPRequestHandler, body: bytes) -> None:
        time.sleep(3)

    with server(silent) as url:
        started = time.monotonic()
        with pytest.raises(ProbeError, match=r"does not answer: no answer within 0\.5 s"):
            run_probe(url, limits=Limits(timeout=0.5))
        assert time.monotonic() - started < 2.5


def test_nothing_listening_is_a_probe_error() -> None:
    with server(lambda h, b: None) as url:
        pass  # the server is gone: its port refuses connections now
    with pytest.raises(ProbeError, match="connection refused"):
        run_probe(url)


def test_an_endless_body_is_cut_and_reported() -> None:
    def endless(h: BaseHTTPRequestHandler, body: bytes) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/x-amz-json-1.1")
        h.end_headers()  # no length: the body runs until the connection closes
        chunk = b" " * 65536
        for _ in range(40):  # 2.5 MiB
            h.wfile.write(chunk)

    with server(endless) as url:
        report = run_probe(url, limits=Limits(max_requests=30))
    first = report.results[0]
    assert first.id == "setup/CreateUserPool" and first.outcome == "fail"
    assert any("cut at 1048576 bytes" in c.note for c in first.checks)
    assert all(ex.response_body is None or len(ex.response_body) <= 1 << 20 for ex in report.exchanges)


@pytest.mark.parametrize("status", [200, 400])
def test_a_body_nested_too_deeply_is_a_finding_not_a_crash(status: int) -> None:
    deep = b'{"UserPool":' * 50_000 + b"1" + b"}" * 50_000  # json.loads would raise RecursionError

    with server(lambda h, b: answer(h, status, deep)) as url:
        report = run_probe(url, limits=Limits(max_requests=30))
    first = report.results[0]
    assert first.outcome == "fail"
    assert {f.kind for f in first.findings} >= {"malformed_json"}


def test_the_request_budget_stops_the_scenario_and_keeps_a_reserve_for_clean_up() -> None:
    def pool_then_nothing(h: BaseHTTPRequestHandler, body: bytes) -> None:
        target = h.headers.get("X-Amz-Target", "")
        if target.endswith(".CreateUserPool"):
            answer(h, 200, b'{"UserPool":{"Id":"us-east-1_Probe1"}}')
        else:
            answer(h, 500, b'{"__type":"InternalErrorException","message":"no"}')

    with server(pool_then_nothing) as url:
        report = run_probe(url, limits=Limits(max_requests=20, reserve_requests=5))
    assert len(report.exchanges) <= 20
    assert report.results[-1].id == "cleanup/DeleteUserPool"
    assert report.left_behind  # the pool was not deleted, and the report says so


# -- secrets ---------------------------------------------------------------------------------------
def _echo(h: BaseHTTPRequestHandler, body: bytes) -> None:
    """Answers everything with an error quoting the request body: every secret the probe sends."""
    target = h.headers.get("X-Amz-Target", "")
    if target.endswith(".CreateUserPool"):
        return answer(h, 200, b'{"UserPool":{"Id":"us-east-1_Echo1"}}')
    if target.endswith(".CreateUserPoolClient"):
        return answer(h, 200, b'{"UserPoolClient":{"ClientId":"abcdefghijklmnopqrstuvwxyz"}}')
    if target.endswith((".AdminCreateUser", ".AdminSetUserPassword")):
        return answer(h, 200, b"{}")
    message = body.decode("utf-8", "replace")
    answer(h, 400, json.dumps({"__type": "NotAuthorizedException", "message": message}).encode())
    return None


def test_secrets_the_probe_sent_are_not_quoted_unless_revealed(tmp_path: Any) -> None:
    with server(_echo) as url:
        report = run_probe(url)
        revealed = run_probe(url, reveal=True)
    secrets = list(report.scrub.secrets)
    assert any(name == "password" for name in report.scrub.secrets.values())
    text, data = report.text(verbose=True), report.json_text()
    for secret in secrets:
        assert secret not in text and secret not in data
    har = tmp_path / "probe.har"
    with har.open("w") as fp:
        write_har(report, fp)
    content = har.read_text()
    for secret in secrets:
        assert secret not in content
    assert any(s in revealed.text(verbose=True) for s in revealed.scrub.secrets)


# -- the command line ------------------------------------------------------------------------------
def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cognito_spec", "probe", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_refuses_a_remote_host_in_one_line_with_exit_2() -> None:
    proc = _cli("http://192.0.2.1:9229")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "--allow-host 192.0.2.1" in proc.stderr


def test_the_command_writes_the_report_and_a_redacted_har(tmp_path: Any) -> None:
    with server(_echo) as url:
        proc = _cli(url, "--json", "--har", str(tmp_path / "out.har"))
    assert proc.returncode == 1, proc.stderr  # the echo server fails probes
    report = json.loads(proc.stdout)
    assert report["format"] == "cognito-spec-probe/1" and set(report["scores"]) == {
        "envelope",
        "validation",
        "tokens",
        "operations",
    }
    har = json.loads((tmp_path / "out.har").read_text())
    assert len(har["log"]["entries"]) == report["exchanges"]
    assert "REDACTED" in (tmp_path / "out.har").read_text()


def test_a_bad_key_file_is_a_usage_error(tmp_path: Any) -> None:
    key = tmp_path / "key.pem"
    key.write_text("not a key")
    proc = _cli("http://127.0.0.1:9", "--emulator-key", str(key))
    assert proc.returncode == 2 and "--emulator-key" in proc.stderr


def test_every_probe_error_is_a_library_error() -> None:
    assert issubclass(ProbeError, CognitoSpecError) and issubclass(ProbeRefusedError, ProbeError)


def _signs_in_with(tokens: dict[str, str]) -> Handler:
    """A server whose set-up succeeds and whose sign-ins issue ``tokens``; it refuses the rest."""

    def handle(h: BaseHTTPRequestHandler, body: bytes) -> None:
        target = h.headers.get("X-Amz-Target", "")
        if target.endswith(".CreateUserPool"):
            return answer(h, 200, b'{"UserPool":{"Id":"us-east-1_Tok1"}}')
        if target.endswith(".CreateUserPoolClient"):
            return answer(h, 200, b'{"UserPoolClient":{"ClientId":"abcdefghijklmnopqrstuvwxyz"}}')
        if target.endswith(".InitiateAuth"):
            return answer(h, 200, json.dumps({"AuthenticationResult": tokens}).encode())
        if target.endswith((".AdminCreateUser", ".AdminSetUserPassword")):
            return answer(h, 200, b"{}")
        return answer(h, 400, b'{"__type":"NotAuthorizedException","message":"no"}')

    return handle


def _jwt(claims: dict[str, Any], signature: str = "c2ln") -> str:
    import base64

    def seg(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{seg({'alg': 'RS256', 'kid': 'k'})}.{seg(claims)}.{signature}"


@pytest.mark.parametrize(
    "access",
    [
        "opaque-token",  # not three segments
        "a.b.!!!",  # a signature that is not base64url
        _jwt({"token_use": "access"}, signature="c2ln="),  # padded: not canonical
        "e30.bm90IGpzb24.c2ln",  # a payload that is not JSON
    ],
)
def test_tokens_that_are_not_jwts_are_probed_without_a_crash(access: str) -> None:
    tokens = {"AccessToken": access, "IdToken": access, "RefreshToken": "r"}
    with server(_signs_in_with(tokens)) as url:
        report = run_probe(url, limits=Limits(max_requests=80))
    by_id = {r.id: r for r in report.results}
    assert by_id["setup/InitiateAuth"].outcome == "fail"  # the issued tokens are judged
    assert by_id["tokens/bad-signature"].outcome in ("fail", "skip")


def test_a_short_lifetime_token_whose_expiry_is_far_off_is_not_waited_for() -> None:
    # An emulator that takes a 1-second lifetime, then issues a token "valid" from iat to iat + 1
    # with both far in the future: waiting for exp would hang the run.
    far = 10**11
    access = _jwt({"token_use": "access", "iat": far, "exp": far + 1})
    tokens = {"AccessToken": access, "IdToken": access, "RefreshToken": "r"}
    started = time.monotonic()
    with server(_signs_in_with(tokens)) as url:
        report = run_probe(url, limits=Limits(max_requests=80, deadline=30))
    assert time.monotonic() - started < 20
    expired = {r.id: r for r in report.results}["tokens/expired"]
    assert expired.outcome == "skip" and "exp" in expired.reason


def test_the_har_goes_to_what_out_is_a_fifo_is_streamed_to_not_replaced(tmp_path: Any) -> None:
    """--har OUT is written as `cognito-spec redact` writes OUT: a FIFO (or /dev/null) is streamed
    to; replacing it by a file would turn a device into a file when run as root."""
    import os
    import stat

    fifo = tmp_path / "out.har"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    with server(_echo) as url:
        proc = _cli(url, "--har", str(fifo))
    if not got:  # nothing opened the FIFO: let the reader go
        with open(fifo, "wb"):
            pass
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(got[0])["log"]["entries"]
