"""Benchmark of reading captures whose one body is large: is the cost linear in its size?

    python bench/bench_large.py [--sizes 4,8,16] [--validate] [--keep DIR]

For each size S (MB) it writes, in a temporary directory, four captures of one exchange whose body is
S MB, and reads each in a fresh subprocess with ``cognito_spec.read_capture`` (every byte parsed,
the exchange built):

* ``har-string``: a HAR whose request ``postData.text`` is one S MB string;
* ``har-base64``: a HAR whose response body is S MB of bytes, ``encoding: base64``;
* ``jsonl-file``: a JSON-lines file of one S MB line, read from the file;
* ``jsonl-pipe``: the same file through a pipe (``cat FILE |``, the reader sees standard input).

It prints seconds and peak RSS (the subprocess's ``ru_maxrss``, interpreter included) per size, then
the ratio between successive sizes: with doubling sizes, a linear reader shows about 2x, a quadratic
one about 4x.  ``--validate`` times ``cognito-spec validate`` instead of the library reader (the CLI
has its own batching).  Default sizes keep the run under a minute; pass larger ones (``--sizes
25,50,100``) for the figures of the bug reports.
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET = "AWSCognitoIdentityProviderService.GetUser"
URL = "https://cognito-idp.us-east-1.amazonaws.com/"

_READ = (
    "import sys, time; import cognito_spec as cs; t = time.perf_counter();"
    " n = sum(len(x.request_body or b'') + len(x.response_body or b'') for x in cs.read_capture(sys.argv[1]));"
    " print(time.perf_counter() - t, n)"
)
_MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter();"
    " r = subprocess.run(sys.argv[1], shell=True, capture_output=True, text=True);"
    " print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, r.returncode)"
)


def _headers(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in pairs]


def _har(post_text: str, content: dict[str, object]) -> bytes:
    entry = {
        "startedDateTime": "2026-11-26T16:00:00.000Z",
        "request": {
            "method": "POST",
            "url": URL,
            "headers": _headers([("X-Amz-Target", TARGET), ("Content-Type", "application/x-amz-json-1.1")]),
            "postData": {"mimeType": "application/x-amz-json-1.1", "text": post_text},
        },
        "response": {"status": 200, "headers": [], "content": content},
    }
    return json.dumps({"log": {"version": "1.2", "entries": [entry]}}).encode()


def write_cases(directory: Path, mb: int) -> dict[str, str]:
    """The four captures of one size; returns case name -> shell command that reads it."""
    n = mb << 20
    token = "a" * n
    har_string = directory / f"string-{mb}.har"
    har_string.write_bytes(
        _har(json.dumps({"AccessToken": token}), {"size": 2, "mimeType": "", "text": "{}"})
    )
    har_b64 = directory / f"base64-{mb}.har"
    blob = base64.b64encode(os.urandom(n * 3 // 4)).decode()
    har_b64.write_bytes(_har("{}", {"size": n * 3 // 4, "mimeType": "", "text": blob, "encoding": "base64"}))
    jsonl = directory / f"line-{mb}.jsonl"
    record = {
        "url": URL,
        "request": {
            "method": "POST",
            "headers": [["X-Amz-Target", TARGET]],
            "body": json.dumps({"AccessToken": token}),
        },
        "response": {"status": 200, "headers": [], "body": "{}"},
    }
    jsonl.write_text(json.dumps(record) + "\n")
    return {
        "har-string": shlex.quote(str(har_string)),
        "har-base64": shlex.quote(str(har_b64)),
        "jsonl-file": shlex.quote(str(jsonl)),
        "_jsonl": shlex.quote(str(jsonl)),
    }


def command(case: str, files: dict[str, str], validate: bool) -> str:
    py = shlex.quote(sys.executable)
    reader = f"{py} -m cognito_spec validate" if validate else f"{py} -c {shlex.quote(_READ)}"
    if case == "jsonl-pipe":
        return f"cat {files['_jsonl']} | {reader} -"
    return f"{reader} {files[case]}"


def measure(cmd: str, validate: bool) -> tuple[float, int]:
    # Run outside the repository: ``python -c`` puts the working directory first on sys.path, which
    # would shadow a PYTHONPATH pointing at another checkout (a baseline).
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, cmd],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    )
    seconds, rss, status = out.stdout.split()
    if status not in (("0", "1") if validate else ("0",)):
        raise SystemExit(f"failed ({status}): {cmd}")
    return float(seconds), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="4,8,16", help="body sizes in MB, comma-separated (default 4,8,16)")
    ap.add_argument("--validate", action="store_true", help="time cognito-spec validate, not read_capture")
    ap.add_argument("--keep", metavar="DIR", help="write the captures here and keep them")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = ["har-string", "har-base64", "jsonl-file", "jsonl-pipe"]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(args.keep or tmp)
        directory.mkdir(parents=True, exist_ok=True)
        results: dict[str, list[tuple[float, int]]] = {c: [] for c in cases}
        for mb in sizes:
            files = write_cases(directory, mb)
            for case in cases:
                results[case].append(measure(command(case, files, args.validate), args.validate))
            for p in directory.glob(f"*-{mb}.*"):
                if not args.keep:
                    p.unlink()
    what = "cognito-spec validate" if args.validate else "read_capture"
    print(
        f"{what}, one body of {', '.join(map(str, sizes))} MB (wall seconds of the subprocess / peak RSS MB)"
    )
    for case in cases:
        row = results[case]
        figures = "  ".join(f"{s:6.2f}s {m:5d}MB" for s, m in row)
        ratios = " ".join(f"{b[0] / a[0]:.1f}x" for a, b in itertools.pairwise(row))
        print(f"{case:11s} {figures}   time ratio per step: {ratios}")


if __name__ == "__main__":
    main()
