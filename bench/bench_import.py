"""Start-up budgets: ``import cognito_spec``, ``cognito-spec --version`` and a first ``loads``.

    python bench/bench_import.py [--rounds N]

Each figure is the wall time of a fresh process, from ``subprocess.run`` to its exit, median of N
rounds (default 21).  The rounds are interleaved (every case once per round, in turn), so a slow
moment of the machine hits the baseline and the candidates alike; each case is shown with its
difference and ratio to ``python -c pass`` of the same run.  Cases:

* ``python -c pass`` (the baseline: the interpreter starting and stopping);
* ``python -c "import cognito_spec"`` (budget: 150 ms);
* ``python -m cognito_spec --version`` (budget: 250 ms), and the ``cognito-spec`` console script
  next to the interpreter when it is installed (same budget);
* the first ``cs.loads`` of an AdminGetUser response (``bench/_common.py``), imports included.

Also prints how many modules ``import cognito_spec`` adds to ``sys.modules``.  The processes get
this process's environment (so ``PYTHONPATH`` picks the tree measured).  Exits 1 when a budget is
missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import admin_get_user_response

ROOT = Path(__file__).resolve().parent.parent

#: Wall-time budgets, in seconds, of whole processes.
BUDGETS = {
    "import cognito_spec": 0.150,
    "python -m cognito_spec --version": 0.250,
    "cognito-spec --version": 0.250,
}


def _cases() -> dict[str, list[str]]:
    py = sys.executable
    body = admin_get_user_response()
    first_loads = f"import cognito_spec as cs; cs.loads({body!r}, cs.AdminGetUserResponse)"
    cases = {
        "python -c pass": [py, "-c", "pass"],
        "import cognito_spec": [py, "-c", "import cognito_spec"],
        "python -m cognito_spec --version": [py, "-m", "cognito_spec", "--version"],
    }
    script = Path(py).parent / "cognito-spec"
    found = str(script) if script.exists() else shutil.which("cognito-spec")
    if found:
        cases["cognito-spec --version"] = [found, "--version"]
    cases["first cs.loads (AdminGetUser response)"] = [py, "-c", first_loads]
    return cases


def _once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def _modules_added() -> int:
    code = "import sys; n = len(sys.modules); import cognito_spec; print(len(sys.modules) - n)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return int(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start-up time of cognito-spec against python -c pass.")
    parser.add_argument("--rounds", type=int, default=21, help="fresh processes per case (default 21)")
    args = parser.parse_args(argv)
    cases = _cases()
    for cmd in cases.values():  # warm: bytecode caches written, files in the page cache
        _once(cmd)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, cmd in cases.items():
            samples[name].append(_once(cmd))
    median = {name: statistics.median(s) for name, s in samples.items()}
    base = median["python -c pass"]
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f};"
        f" medians of {args.rounds} fresh processes each, interleaved"
    )
    print(f"{'case':<40} {'median':>9} {'- pass':>9} {'x pass':>7} {'budget':>8}")
    missed = []
    for name, value in median.items():
        budget = BUDGETS.get(name)
        verdict = ""
        if budget is not None:
            ok = value <= budget
            verdict = f"<= {budget * 1000:.0f} ms" + ("" if ok else "  MISSED")
            if not ok:
                missed.append(name)
        print(
            f"{name:<40} {value * 1000:7.1f}ms {(value - base) * 1000:+7.1f}ms {value / base:7.2f} {verdict:>8}"
        )
    print(f"\nimport cognito_spec adds {_modules_added()} modules to sys.modules")
    print("\nall budgets met" if not missed else "\nmissed: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
