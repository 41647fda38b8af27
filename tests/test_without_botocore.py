"""The installed library needs no botocore: it is a development dependency only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("botocore", "boto3", "hypothesis", "regex", "unicodedata2", "moto"):
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, Block())

import cognito_spec as cs
from cognito_spec.cli import main

body = b'{"Username":"alice","UserAttributes":[{"Name":"email","Value":"a@b.c"}],"UserCreateDate":1.682955829578E9}'
obj = cs.loads(body, cs.AdminGetUserResponse, strict=True)
assert cs.loads(cs.dumps(obj), cs.AdminGetUserResponse) == obj
assert cs.validate(b'{"AccessToken":""}', cs.GetUserRequest)
assert cs.json_schema(cs.GetUserRequest)["required"] == ["AccessToken"]
assert main(["validate", sys.argv[1]]) == 1
assert main(["schema", "GetUserRequest"]) == 0
assert not [m for m in sys.modules if m.split(".")[0] in ("botocore", "boto3", "hypothesis")]
print("ok")
"""


def test_the_library_and_the_cli_work_without_botocore() -> None:
    har = ROOT / "examples" / "moto-cognito.har"
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(har)],
        capture_output=True,
        text=True,
        check=False,
        env={"HYPOTHESIS_NO_PLUGINS": "1", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")
