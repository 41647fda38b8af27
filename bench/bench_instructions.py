"""Instructions per exchange of ``cognito-spec validate`` and per call of the codec, against json.

    python bench/bench_instructions.py [--only capture|codec] [--exchanges A B] [--calls A B]
                                       [--keep DIR] [--parallel N] [--json PATH]

The wall-clock ratios of ``bench/bench_capture.py`` move by 20 % and more from run to run on a
shared virtual machine, even when nothing else runs on it: its neighbours share the host's caches
and branch predictors, and the interpreter's dispatch (most of what ``validate`` adds to a parse)
suffers from them more than ``json.loads``'s C loops do.  Instruction counts do not move: this
script counts them with valgrind's callgrind, on the same traffic as ``bench_capture.py`` (its
generator), for each path that script times, and judges the same limits on the ratios of the
counts.  On a quiet host the wall ratio follows the instruction ratio; on a busy one it is higher.

The codec's targets (``bench_codec.py``: strict and tolerant ``loads`` and ``dumps`` of the
AdminGetUser response, with orjson and without it) are counted the same way: a run calls the case
``A`` and ``B`` times (1,000 and 3,000), and the figure per call is the difference over ``B - A``,
against ``json.loads`` (``json.dumps`` for ``dumps``) of the same body counted alike.

Each run is one process under callgrind (``PYTHONHASHSEED=0``, so dict layouts repeat), on a capture
of ``A`` and of ``B`` exchanges (1,000 and 3,000 by default); the figure is the difference divided by
``B - A``, which leaves out what a run spends once (start-up, imports, compiling the checkers).  The
baseline is the same difference for ``json.loads`` of every line of the JSON-lines files.  The runs
take a few minutes (callgrind runs a program about 50 x slower); ``--parallel`` runs that many at
once, which changes no count.  Needs ``valgrind`` on the PATH (Debian: ``apt-get install valgrind``);
exits 2 without it, 1 when a limit is missed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _common  # noqa: E402
import bench_capture  # noqa: E402
import bench_codec  # noqa: E402

#: (key, what the table says, capture file, with orjson, limit on the ratio to the baseline); the
#: limits are bench_capture.py's.
RUNS: list[tuple[str, str, str, bool, float]] = [
    ("jsonl", "`validate`, JSON lines, with orjson", "jsonl", True, 2.0),
    ("jsonl_std", "`validate`, JSON lines, stdlib path", "jsonl", False, 3.0),
    ("har", "`validate`, HAR as cognito-spec writes it (an entry a line), with orjson", "har", True, 3.0),
    (
        "har_std",
        "`validate`, HAR as cognito-spec writes it (an entry a line), stdlib path",
        "har",
        False,
        4.0,
    ),
    ("browser", "`validate`, HAR as a browser saves it (indented), with orjson", "browser", True, 3.0),
    ("browser_std", "`validate`, HAR as a browser saves it (indented), stdlib path", "browser", False, 4.0),
]

#: (key, what the table says, case, baseline, with orjson, limit): bench_codec.py's targets.
CODEC: list[tuple[str, str, str, str, bool, float]] = [
    (
        f"codec.{path}.{case}",
        f"{bench_codec.WHAT[case]}, {'with orjson' if fast else 'stdlib path'}",
        case,
        baseline,
        fast,
        limit,
    )
    for path, fast, targets in (
        ("orjson", True, bench_codec.TARGETS_FAST),
        ("stdlib", False, bench_codec.TARGETS_STDLIB),
    )
    for case, baseline, limit in targets
]

_TOTAL = re.compile(rb"^(?:summary|totals): (\d+)\s*$", re.MULTILINE)


def total_instructions(callgrind_out: bytes) -> int:
    """The instructions a callgrind output file counts for the whole program."""
    m = _TOTAL.search(callgrind_out)
    if m is None:
        raise ValueError("no 'summary:' or 'totals:' line in the callgrind output")
    return int(m.group(1))


def per_exchange(small: int, large: int, a: int, b: int) -> float:
    """Instructions per exchange: the counts of runs over ``a`` and ``b`` exchanges, differenced."""
    if b <= a:
        raise ValueError("the larger capture must hold more exchanges")
    return (large - small) / (b - a)


def count(args: list[str], orjson: bool, out: Path) -> int:
    """The instructions of one run of ``python ARGS`` under callgrind."""
    env = dict(os.environ, PYTHONHASHSEED="0", COGNITO_SPEC_NO_ORJSON="" if orjson else "1")
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise SystemExit(f"bench_instructions: {' '.join(args[1:])} failed (exit {done.returncode}): {tail}")
    return total_instructions(out.read_bytes())


def codec_child(case: str, calls: int) -> None:
    """Runs in the subprocess: the codec case ``calls`` times on the AdminGetUser response, after one
    call that compiles what it needs (json.loads and json.dumps are the baselines)."""
    import json

    import cognito_spec as cs

    body = _common.admin_get_user_response()
    cls = cs.AdminGetUserResponse
    obj = cs.loads(body, cls, strict=True)
    wire = cs.to_wire(obj)
    cases = {
        "json.loads": lambda: json.loads(body),
        "json.dumps": lambda: json.dumps(wire, **bench_codec.COMPACT),
        "strict": lambda: cs.loads(body, cls, strict=True),
        "tolerant": lambda: cs.loads(body, cls),
        "dumps": lambda: cs.dumps(obj),
    }
    fn = cases[case]
    fn()
    for _ in range(calls):
        fn()


def _capture(args: argparse.Namespace, tmp: Path, results: _common.Results, pool: ThreadPoolExecutor) -> bool:
    a, b = args.exchanges
    directory = args.keep or tmp
    files: dict[int, dict[str, Path]] = {}
    for n in (a, b):
        where = directory / f"n{n}"
        where.mkdir(parents=True, exist_ok=True)
        jsonl, har, browser = bench_capture._files(where)
        if not (jsonl.exists() and har.exists() and browser.exists()):
            jsonl, har, browser = bench_capture.write_files(where, n)
        files[n] = {"jsonl": jsonl, "har": har, "browser": browser}
    jobs = [("baseline", "jsonl", True)] + [(key, kind, orjson) for key, _, kind, orjson, _ in RUNS]
    child = str(ROOT / "bench" / "bench_capture.py")

    def run(task: tuple[str, int, str, bool]) -> tuple[str, int, int]:
        key, n, kind, orjson = task
        mode = "baseline" if key == "baseline" else "validate"
        argv = [child, "--child", mode, str(files[n][kind]), "1"]
        return key, n, count(argv, orjson, tmp / f"{key}.{n}.out")

    tasks = [(key, n, kind, orjson) for key, kind, orjson in jobs for n in (a, b)]
    counts = {(key, n): total for key, n, total in pool.map(run, tasks)}
    per = {key: per_exchange(counts[key, a], counts[key, b], a, b) for key, _, _ in jobs}
    base = per["baseline"]
    print(f"\ncapture validation, {a:,} and {b:,} exchanges: instructions an exchange")
    print(f"{'json.loads every line (baseline)':<80} {base:>10,.0f} {1:>7.2f}")
    results.figure("baseline", "`json.loads` of every line", base, "instructions an exchange", "the baseline")
    ok = True
    for key, what, _, _, limit in RUNS:
        ratio = per[key] / base
        met = results.target(key, f"{what}, in instructions", ratio, limit, "× baseline")
        ok = ok and met
        print(f"{what:<80} {per[key]:>10,.0f} {ratio:>7.2f}  <= {limit:g}{'' if met else '  missed'}")
    return ok


def _codec(args: argparse.Namespace, tmp: Path, results: _common.Results, pool: ThreadPoolExecutor) -> bool:
    a, b = args.calls
    me = str(Path(__file__).resolve())
    jobs = [("json.loads", True), ("json.dumps", True)] + [(case, fast) for _, _, case, _, fast, _ in CODEC]

    def run(task: tuple[str, bool, int]) -> tuple[str, bool, int, int]:
        case, fast, n = task
        out = tmp / f"codec.{case}.{fast}.{n}.out"
        return case, fast, n, count([me, "--codec-child", case, str(n)], fast, out)

    tasks = [(case, fast, n) for case, fast in jobs for n in (a, b)]
    counts = {(case, fast, n): total for case, fast, n, total in pool.map(run, tasks)}
    per = {
        (case, fast): per_exchange(counts[case, fast, a], counts[case, fast, b], a, b) for case, fast in jobs
    }
    print(
        f"\ncodec, the AdminGetUser response ({len(_common.admin_get_user_response())} bytes): instructions a call"
    )
    for base in ("json.loads", "json.dumps"):
        print(f"{base:<80} {per[base, True]:>10,.0f} {1:>7.2f}")
        results.figure(
            f"codec.{base}",
            f"`{base}` of the response",
            per[base, True],
            "instructions a call",
            "the baseline",
        )
    ok = True
    for key, what, case, base, fast, limit in CODEC:
        ratio = per[case, fast] / per[base, True]
        met = results.target(f"{key}.instructions", f"{what}, in instructions", ratio, limit, f"× `{base}`")
        ok = ok and met
        print(f"{what:<80} {per[case, fast]:>10,.0f} {ratio:>7.2f}  <= {limit:g}{'' if met else '  missed'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Instructions per exchange and per call of cognito-spec.")
    parser.add_argument("--only", choices=["capture", "codec"], help="count one part only")
    for option, what in (("--exchanges", "the two capture sizes"), ("--calls", "the two codec call counts")):
        parser.add_argument(option, type=int, nargs=2, default=[1000, 3000], metavar=("A", "B"), help=what)
    parser.add_argument("--keep", type=Path, default=None, help="write the captures here (reused if there)")
    parser.add_argument("--parallel", type=int, default=min(2, os.cpu_count() or 1), help="runs at once")
    parser.add_argument(
        "--json", metavar="PATH", help="also write the results (tools/perf_table.py reads them)"
    )
    parser.add_argument("--codec-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.codec_child:
        codec_child(args.codec_child[0], int(args.codec_child[1]))
        return 0
    for option, (a, b) in (("--exchanges", args.exchanges), ("--calls", args.calls)):
        if not 0 < a < b:
            parser.error(f"{option} A B needs 0 < A < B")
    if shutil.which("valgrind") is None:
        print(
            "bench_instructions: valgrind is not on the PATH (Debian: apt-get install valgrind)",
            file=sys.stderr,
        )
        return 2
    compileall.compile_dir(ROOT / "cognito_spec", quiet=1)  # as bench_capture.py does
    a, b = args.exchanges
    results = _common.Results(
        "bench_instructions",
        f"instructions (callgrind): captures of {a:,} and {b:,} exchanges, the codec on the AdminGetUser response",
    )
    print(f"runs under callgrind, {args.parallel} at once; Python {sys.version.split()[0]}", flush=True)
    ok = True
    with (
        tempfile.TemporaryDirectory(prefix="cognito-spec-instr-") as tmp,
        ThreadPoolExecutor(max(1, args.parallel)) as pool,
    ):
        if args.only in (None, "capture"):
            ok = _capture(args, Path(tmp), results, pool) and ok
        if args.only in (None, "codec"):
            ok = _codec(args, Path(tmp), results, pool) and ok
    results.write(args.json)
    missed = results.verdicts(met=False)
    if missed:
        print("\nmissed: " + ", ".join(missed))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
