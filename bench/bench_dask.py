"""What the Dask recipe costs on one machine, next to ``cognito-spec validate``.

    python bench/bench_dask.py [--files 4] [--mib 4] [--workers 2]

Writes FILES JSON-lines captures of about MIB MiB each (fixture traffic, one exchange in ten with a
finding) to a temporary directory and times, on the same files:

* ``cli --jobs 1`` and ``cli --jobs W``: ``cognito-spec validate --format json`` in a subprocess;
* ``dask W workers``: :func:`cognito_spec.traffic.dask.validate_bag` of ``read_captures`` computed on
  a ``LocalCluster`` of W single-threaded worker processes (bound to loopback), cluster start-up
  reported apart;
* ``validate_lines bytes`` / ``text``: the batch validator in this process over every line, as bytes
  (what the command line hands it) and as text with its newline (what ``dask.bag.read_text`` gives):
  the cost of the text path, encoding each line back to bytes.

Each figure is one run (the point is the order of magnitude and the fixed costs; on two shared
cores the noise is a few tens of percent).  Findings and summaries are checked equal to the CLI's.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import attrs

from cognito_spec import OPERATIONS
from cognito_spec.fixtures import generate
from cognito_spec.traffic.batch import Summary, validate_lines
from cognito_spec.traffic.record import write_jsonl


def _capture(mib: int, seed: int) -> bytes:
    exchanges = [
        f.exchange
        for op in sorted(OPERATIONS)
        for f in generate(op, "exchange", count=50, seed=seed)
        if f.exchange
    ]
    exchanges = [
        attrs.evolve(ex, response_body=b"oops") if i % 10 == 3 else ex for i, ex in enumerate(exchanges)
    ]
    buf = io.StringIO()
    write_jsonl(exchanges, buf)
    block = buf.getvalue().encode()
    return block * max(1, (mib << 20) // len(block))


def _cli(files: list[str], jobs: int) -> tuple[float, list[str]]:
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "cognito_spec", "validate", "--format", "json", "--jobs", str(jobs), *files],
        capture_output=True,
        check=False,
    ).stdout
    return time.perf_counter() - t, out.decode().splitlines()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--mib", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    from cognito_spec.traffic.dask import read_captures, validate_bag

    with tempfile.TemporaryDirectory() as d:
        files = []
        for i in range(args.files):
            path = Path(d) / f"capture-{i}.jsonl"
            path.write_bytes(_capture(args.mib, seed=i))
            files.append(str(path))
        size = sum(os.path.getsize(f) for f in files) / (1 << 20)
        print(f"bench_dask: {args.files} files, {size:.1f} MiB, {os.cpu_count()} CPUs")

        t1, out1 = _cli(files, 1)
        tn, outn = _cli(files, args.workers)
        assert out1 == outn
        records = [json.loads(line) for line in out1]
        print(f"  cli --jobs 1          {t1:6.2f} s   {size / t1:6.1f} MiB/s")
        print(f"  cli --jobs {args.workers}          {tn:6.2f} s   {size / tn:6.1f} MiB/s")

        t = time.perf_counter()
        with (
            LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
            ) as cluster,
            Client(cluster) as client,
        ):
            started = time.perf_counter() - t
            t = time.perf_counter()
            findings_bag, summary_item = validate_bag(read_captures(files))
            findings, summary = client.gather(client.compute([findings_bag, summary_item]))
            td = time.perf_counter() - t
        assert [f.to_json() for f in findings] == records[:-1]
        assert summary.to_json(files, strict=False) == records[-1]
        print(
            f"  dask {args.workers} workers        {td:6.2f} s   {size / td:6.1f} MiB/s  (+ {started:.2f} s start-up)"
        )

        for kind in ("bytes", "text"):
            t = time.perf_counter()
            total = Summary()
            for f in files:
                data = Path(f).read_bytes()
                lines: list[bytes] | list[str] = data.split(b"\n")[:-1]
                if kind == "text":
                    lines = [line + "\n" for line in data.decode("utf-8", "surrogateescape").split("\n")[:-1]]
                total.merge(validate_lines(lines, source=f).summary)
            tl = time.perf_counter() - t
            assert total.to_json(files, strict=False) == records[-1]
            print(f"  validate_lines {kind:5s}  {tl:6.2f} s   {size / tl:6.1f} MiB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
