"""Probe moto's Cognito with ``cognito-spec probe`` and write the example report.

    python tools/record_moto_probe.py [--out-dir examples]

moto (the dev dependency's version, ``moto[server]``) runs in server mode on a free loopback port;
the probe is given moto's own token signing key (moto ships it in its package, as a private JWK),
so the re-signed token cases run too.  Writes ``moto-probe.txt`` (the text report),
``moto-probe.json`` (the JSON report) and ``moto-probe.har`` (the traffic, redacted): what an
emulator author would attach to a bug report.  The pool ids, request ids and times differ from run
to run; the outcomes and checks do not, and ``tests/test_probe_moto.py`` pins them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cognito_spec.probe import ProbeReport, load_key, run_probe, write_har  # noqa: E402


def moto_key_path() -> Path:
    """Where moto keeps the private JWK its tokens are signed with."""
    import moto.cognitoidp

    return Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"


@contextmanager
def moto_server() -> Iterator[str]:
    """moto in server mode on a free loopback port; yields its URL."""
    from moto.server import ThreadedMotoServer

    # moto's server logs a traceback for each request it cannot handle: the report says it better.
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def probe_moto() -> ProbeReport:
    with moto_server() as url:
        return run_probe(url, emulator_key=load_key(moto_key_path()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT / "examples")
    args = parser.parse_args(argv)
    report = probe_moto()
    out: Path = args.out_dir
    (out / "moto-probe.txt").write_text(report.text(), encoding="utf-8")
    (out / "moto-probe.json").write_text(report.json_text(), encoding="utf-8")
    with (out / "moto-probe.har").open("w", encoding="utf-8", newline="") as fp:
        write_har(report, fp)
    counts = report.counts()
    print(
        f"moto: {counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped in {report.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
