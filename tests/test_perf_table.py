"""The README's performance table is generated from the benchmarks' recorded results, and agrees with them."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("perf_table", ROOT / "tools" / "perf_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


perf_table = _tool()


def _doc(script: str, started: str, *targets: dict[str, Any], load: float = 0.5) -> dict[str, Any]:
    return {
        "format": "cognito-spec-bench/1",
        "script": script,
        "subject": "a body",
        "started": started,
        "python": "3.11.7",
        "cpus": 2,
        "model": "botocore 1.44.8",
        "orjson": "3.13.0",
        "load_start": load,
        "load_end": load,
        "targets": list(targets),
    }


def _target(value: float, limit: float = 2.0, *, at_most: bool = True, judged: bool = True) -> dict[str, Any]:
    met = value <= limit if at_most else value >= limit
    return {
        "key": "k",
        "what": "strict decode",
        "value": value,
        "limit": limit,
        "unit": "× json.loads",
        "at_most": at_most,
        "judged": judged,
        "met": met,
    }


def test_the_readme_table_is_the_one_the_recorded_results_give() -> None:
    assert perf_table.main(["--check"]) == 0


def test_every_recorded_verdict_follows_from_its_value_and_limit() -> None:
    runs = perf_table.load()
    assert set(runs) == set(perf_table.SCRIPTS), "every benchmark has recorded runs"
    for docs in runs.values():
        for doc in docs:
            for t in doc["targets"]:
                if t["limit"] is None:  # a floor: a figure without a target
                    assert t["met"] is None and not t["judged"], t
                    continue
                assert t["met"] == (t["value"] <= t["limit"] if t["at_most"] else t["value"] >= t["limit"]), t


def test_a_row_gives_the_median_the_range_and_how_many_runs_met() -> None:
    runs = {
        "bench_codec": [
            _doc("bench_codec", f"2026-12-0{i}T00:00:00Z", _target(v))
            for i, v in ((1, 1.9), (2, 2.1), (3, 1.95))
        ]
    }
    table = perf_table.render(runs)
    assert "| strict decode | 1.95 (1.90–2.10) × json.loads | ≤ 2 | **met in 2 of 3 runs** |" in table
    assert "3 runs (2026-12-01, 2026-12-02, 2026-12-03)" in table


@pytest.mark.parametrize(
    ("targets", "verdict"),
    [
        ([_target(1.0), _target(1.5)], "met"),
        ([_target(3.0), _target(2.5)], "**missed**"),
        ([_target(1.0, at_most=False), _target(2.5, at_most=False)], "**met in 1 of 2 runs**"),
        ([_target(3.0, judged=False)], "not judged (busy machine)"),
        ([_target(1.0), _target(3.0, judged=False)], "met (1 of 2 runs judged)"),
    ],
)
def test_the_verdict_counts_only_the_runs_that_could_judge(
    targets: list[dict[str, Any]], verdict: str
) -> None:
    docs = [_doc("bench_x", f"2026-12-0{i + 1}T00:00:00Z", t) for i, t in enumerate(targets)]
    assert perf_table.render({"bench_x": docs}).rstrip("\n").endswith(f"| {verdict} |")


def test_files_of_another_format_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(json.dumps({"format": "other"}), encoding="utf-8")
    with pytest.raises(perf_table.ResultsError, match="not a cognito-spec-bench/1"):
        perf_table.load(tmp_path)
    (tmp_path / "x.json").write_text("{", encoding="utf-8")
    with pytest.raises(perf_table.ResultsError, match="not readable JSON"):
        perf_table.load(tmp_path)


def test_a_readme_without_markers_is_refused() -> None:
    with pytest.raises(perf_table.ResultsError, match="lacks the markers"):
        perf_table.splice("# no table here\n", "| x |\n")


def test_a_benchmark_writes_results_the_tool_reads(tmp_path: Path) -> None:
    out = tmp_path / "bench_validate-1.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_validate.py"), "--rounds", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: a target missed on this run, still a result
    runs = perf_table.load(tmp_path)
    (doc,) = runs["bench_validate"]
    missed = [t["key"] for t in doc["targets"] if t["judged"] and not t["met"]]
    assert (done.returncode == 1) == bool(missed)
    assert ("MISSED" in done.stdout) == bool(missed)


def test_a_script_whose_figures_repeat_runs_once_in_a_round_of_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Instruction counts are the same at every run: --run 3 runs bench_instructions once, the
    # wall-clock scripts three times.
    ran: list[str] = []

    def fake_run(cmd: list[str], check: bool = False) -> subprocess.CompletedProcess[str]:
        ran.append(Path(cmd[1]).stem)
        Path(cmd[-1]).write_text("{}", encoding="utf-8")
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(perf_table, "RESULTS", tmp_path)
    monkeypatch.setattr(perf_table.subprocess, "run", fake_run)
    perf_table.run_benchmarks(3, ["bench_codec", "bench_instructions"])
    assert ran == ["bench_codec", "bench_instructions", "bench_codec", "bench_codec"]


def _bench_instructions() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_instructions", ROOT / "bench" / "bench_instructions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_instructions_per_exchange_are_the_difference_of_two_runs_over_their_exchanges() -> None:
    bench = _bench_instructions()
    # A callgrind output file names the program's total on a "summary:" (or "totals:") line.
    out = b"# callgrind format\nversion: 1\ncmd: python\nevents: Ir\nsummary: 1234567\n\nfn=x\n1 5\ntotals: 1234567\n"
    assert bench.total_instructions(out) == 1_234_567
    with pytest.raises(ValueError, match="no 'summary:'"):
        bench.total_instructions(b"events: Ir\n")
    # Start-up, imports and compiling cost both runs the same, and drop out of the difference.
    assert bench.per_exchange(1_000_000 + 1000 * 175, 1_000_000 + 3000 * 175, 1000, 3000) == 175
    with pytest.raises(ValueError, match="must hold more exchanges"):
        bench.per_exchange(1, 2, 3000, 1000)
    # The limits are bench_capture's and bench_codec's, path for path.
    assert [(key, limit) for key, _, _, _, limit in bench.RUNS] == [
        ("jsonl", 2.0),
        ("jsonl_std", 3.0),
        ("har", 3.0),
        ("har_std", 4.0),
        ("browser", 3.0),
        ("browser_std", 4.0),
    ]
    assert [(case, base, fast, limit) for _, _, case, base, fast, limit in bench.CODEC] == [
        ("strict", "json.loads", True, 1.5),
        ("tolerant", "json.loads", True, 1.1),
        ("dumps", "json.dumps", True, 0.6),
        ("strict", "json.loads", False, 2.5),
        ("tolerant", "json.loads", False, 1.8),
        ("dumps", "json.dumps", False, 1.3),
    ]
