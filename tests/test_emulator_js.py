"""The example emulator (examples/emulator.py) as the AWS SDK for JavaScript v3 sees it.

One node process (``tests/js/sdk/emulator_check.mjs``) signs in through the emulator's own helper
with ``fetch``, then calls GetUser and AdminGetUser with ``@aws-sdk/client-cognito-identity-provider``,
pinned in ``tests/js/sdk/package.json`` and its lock file and installed by the fixture below with
``npm ci`` into ``tests/js/sdk/node_modules`` (reused while it matches the pin).  It prints what the
SDK made of each answer (``err.name``, ``err.message``, the status), which is what an app sees.
Without ``node`` or ``npm`` the test is skipped.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from _node import node_with, pinned

ROOT = Path(__file__).resolve().parent.parent
SDK = ROOT / "tests" / "js" / "sdk"
EXAMPLE = ROOT / "examples" / "emulator.py"
PACKAGE = "@aws-sdk/client-cognito-identity-provider"
PINNED = pinned(SDK, PACKAGE)


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("emulator_example_js", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def node() -> str:
    return node_with(SDK, PACKAGE, "run the AWS SDK for JavaScript")


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def sdk_saw(node: str) -> dict[str, Any]:
    """What the JS SDK made of each call, from one node run against the emulator on a free port."""
    emulator = load_example()
    httpd = make_server("127.0.0.1", 0, emulator.app, handler_class=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    expired = emulator.sign_in("alice", "Correct-Horse-1", at=time.time() - 3600).access_token
    try:
        done = subprocess.run(
            [node, str(SDK / "emulator_check.mjs"), f"http://127.0.0.1:{httpd.server_address[1]}", expired],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def not_authorized(message: str) -> dict[str, Any]:
    return {"name": "NotAuthorizedException", "message": message, "status": 400, "fault": "client"}


def test_the_js_sdk_signs_in_and_reads_the_user(sdk_saw: dict[str, Any]) -> None:
    assert sdk_saw["signIn"] == {"status": 200, "expiresIn": 3600}
    assert sdk_saw["getUser"] == {
        "ok": {"Username": "alice", "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}]}
    }
    admin = sdk_saw["adminGetUser"]["ok"]  # signed with dummy credentials
    assert (admin["Username"], admin["Enabled"]) == ("alice", True)


def test_the_js_sdk_surfaces_the_services_token_errors(sdk_saw: dict[str, Any]) -> None:
    assert sdk_saw["expired"] == not_authorized("Access Token has expired")
    assert sdk_saw["invalid"] == not_authorized("Invalid Access Token")
    assert sdk_saw["signOut"] == 200
    assert sdk_saw["revoked"] == not_authorized("Access Token has been revoked")
