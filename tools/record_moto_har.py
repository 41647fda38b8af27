"""Record real HTTP traffic between boto3 and moto's Cognito emulator, and write it as a HAR file.

    python tools/record_moto_har.py [--out examples/moto-cognito.har]

moto runs in server mode (``ThreadedMotoServer``) on 127.0.0.1; a small recording reverse proxy sits
between the clients and moto and keeps every request and response exactly as they crossed the wire:
header names in their case and order, bodies as bytes.  The traffic is what an app talking to moto
produces: set-up calls (CreateUserPool, AdminCreateUser, AdminInitiateAuth: operations outside the
model, which the validator skips and counts), AdminGetUser and GetUser with their error cases, a
CORS preflight and a call to another service (STS), both skipped by the validator.

moto 5.2.1 has no GetUserAuthFactors.  The proxy answers those calls itself with this library
(``parse_request``, ``render_response``, ``render_error``), asking moto's GetUser for the user behind
the token; those responses carry an ``X-Rendered-By: cognito-spec`` header and the HAR's ``creator``
comment says so.  Everything else in the file is moto's own output, findings included.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cognito_spec.errors import ServiceError  # noqa: E402
from cognito_spec.protocol.envelope import parse_error, render_error  # noqa: E402
from cognito_spec.protocol.server import parse_request, render_response  # noqa: E402
from cognito_spec.shapes import (  # noqa: E402
    MODEL_VERSION,
    TARGET_PREFIX,
    GetUserAuthFactorsRequest,
    GetUserAuthFactorsResponse,
)
from cognito_spec.traffic.record import Exchange, write_har  # noqa: E402

DEFAULT_OUT = ROOT / "examples" / "moto-cognito.har"
REGION = "us-east-1"
#: Hop-by-hop headers are the connection's business, not the message's: not relayed.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection"})


class _Recorder:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.exchanges: list[Exchange] = []
        self.lock = threading.Lock()

    def forward(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for k, v in headers:
                conn.putheader(k, v)
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, resp.getheaders(), data
        finally:
            conn.close()

    def auth_factors(
        self, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """GetUserAuthFactors, which moto lacks, answered by this library from moto's GetUser."""
        try:
            _, request = parse_request(headers, body)
            assert isinstance(request, GetUserAuthFactorsRequest)  # routed here by its target
            get_user = [(k, v) for k, v in headers if k.lower() not in ("x-amz-target", "content-length")]
            get_user.append(("X-Amz-Target", f"{TARGET_PREFIX}.GetUser"))
            payload = json.dumps({"AccessToken": request.access_token}).encode()
            get_user.append(("Content-Length", str(len(payload))))
            status, h, data = self.forward("POST", "/", get_user, payload)
            if status != 200:
                raise parse_error(status, h, data)
            make: Any = GetUserAuthFactorsResponse
            out = make(username=json.loads(data)["Username"], configured_user_auth_factors=("PASSWORD",))
            status, rh, rb = render_response(out)
        except ServiceError as exc:
            status, rh, rb = render_error(exc)
        return status, [*rh, ("X-Rendered-By", "cognito-spec")], rb

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        headers = list(h.headers.items())
        target = h.headers.get("X-Amz-Target", "")
        started = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if target == f"{TARGET_PREFIX}.GetUserAuthFactors":
            status, rheaders, rbody = self.auth_factors(headers, body)
        else:
            status, rheaders, rbody = self.forward(h.command, h.path, headers, body)
        with self.lock:
            self.exchanges.append(
                Exchange(
                    headers,
                    body if (body or h.command == "POST") else None,
                    status,
                    rheaders,
                    rbody,
                    method=h.command,
                    url=f"http://{h.headers.get('Host', '127.0.0.1')}{h.path}",
                    index=len(self.exchanges),
                    started=started,
                )
            )
        h.send_response_only(status)
        for k, v in rheaders:
            if k.lower() not in HOP_BY_HOP:
                h.send_header(k, v)
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(rbody)
        h.close_connection = True


@contextmanager
def recording_proxy() -> Iterator[tuple[str, _Recorder]]:
    """moto on a free port, and a recording proxy in front of it: yields (proxy URL, recorder)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    recorder = _Recorder(moto.get_host_and_port())

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # http.server's naming
            recorder.handle(self)

        def do_GET(self) -> None:
            recorder.handle(self)

        def do_OPTIONS(self) -> None:
            recorder.handle(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}", recorder
    finally:
        proxy.shutdown()
        proxy.server_close()
        moto.stop()


def _raw(
    url: str, target: str | None, body: bytes, *, method: str = "POST", extra: dict[str, str] | None = None
) -> None:
    """A call as a hand-written client (or a browser) makes it, without an SDK's validation."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Content-Type": "application/x-amz-json-1.1", **(extra or {})}
    if target is not None:
        headers["X-Amz-Target"] = f"{TARGET_PREFIX}.{target}"
    conn.request(method, "/", body=body, headers=headers)
    conn.getresponse().read()
    conn.close()


def drive(url: str) -> None:
    """The calls of the recording, in order."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    idp = session.client("cognito-idp", endpoint_url=url, config=config)
    errors = idp.exceptions

    # Set-up: operations outside the model (skipped by the validator, counted by name).
    pool = idp.create_user_pool(PoolName="example")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool,
        Username="alice",
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        TemporaryPassword="Temp-Passw0rd!",
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(
        UserPoolId=pool, Username="alice", Password="Example-Passw0rd!", Permanent=True
    )
    token = idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Example-Passw0rd!"},
    )["AuthenticationResult"]["AccessToken"]

    # AdminGetUser (SigV4-signed by boto3).
    idp.admin_get_user(UserPoolId=pool, Username="alice")
    for pool_id, name, expected in (
        (pool, "nobody", errors.UserNotFoundException),  # unknown user
        (f"{REGION}_doesNotExist", "alice", errors.ResourceNotFoundException),  # well-formed, unknown pool
        ("not a pool id!", "alice", errors.ClientError),  # breaks the UserPoolId pattern
    ):
        with suppress(expected):
            idp.admin_get_user(UserPoolId=pool_id, Username=name)

    # GetUser (authorised by the access token in the body).
    idp.get_user(AccessToken=token)
    with suppress(errors.NotAuthorizedException):
        idp.get_user(AccessToken="not-a-valid-token")
    _raw(url, "GetUser", b'{"AccessToken": ')  # malformed JSON, as a hand-written client may send

    # GetUserAuthFactors (rendered by cognito-spec: moto has no such operation).
    idp.get_user_auth_factors(AccessToken=token)
    with suppress(errors.NotAuthorizedException):
        idp.get_user_auth_factors(AccessToken="not-a-valid-token")
    _raw(url, "GetUserAuthFactors", b"{}")  # AccessToken missing: InvalidParameterException

    # What a browser capture also holds: a CORS preflight, and traffic of another service.
    _raw(
        url,
        None,
        b"",
        method="OPTIONS",
        extra={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target",
        },
    )
    session.client("sts", endpoint_url=url, config=config).get_caller_identity()


def record() -> list[Exchange]:
    """Run moto, drive the calls through the recording proxy, return the exchanges in order."""
    with recording_proxy() as (url, recorder):
        drive(url)
        return list(recorder.exchanges)


def creator_comment() -> str:
    import boto3
    import moto

    return (
        f"HTTP traffic between boto3 {boto3.__version__} and moto {moto.__version__} (server mode), recorded by"
        " a reverse proxy (tools/record_moto_har.py). moto has no GetUserAuthFactors: those responses"
        " (header X-Rendered-By: cognito-spec) were rendered by cognito-spec's render_response/render_error"
        f" from moto's GetUser answer. Model: {MODEL_VERSION}."
    )


def write(path: Path, exchanges: list[Exchange]) -> None:
    from importlib.metadata import version

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fp:
        write_har(
            exchanges,
            fp,
            creator="cognito-spec tools/record_moto_har.py (moto + cognito-spec for GetUserAuthFactors)",
            creator_version=version("cognito-spec") if _installed() else "0",
            comment=creator_comment(),
        )


def _installed() -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        version("cognito-spec")
    except PackageNotFoundError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"HAR file to write (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    exchanges = record()
    write(args.out, exchanges)
    print(f"wrote {len(exchanges)} exchanges to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
