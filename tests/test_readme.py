"""The README's examples run as written, and its commands are the ones CI runs."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
#: The first line of the README's excerpt of examples/emulator.py.
EMULATOR_EXCERPT = "# examples/emulator.py, class Emulator:"


def test_the_python_examples_run(tmp_path: Path) -> None:
    assert len(BLOCKS) >= 4
    for i, block in enumerate(BLOCKS):
        if block.startswith(EMULATOR_EXCERPT):
            continue  # part of the emulator: served and called with boto3 in test_emulator_example.py
        # From a file, so that hypothesis (in the fixtures example) can read the source it runs.
        path = tmp_path / f"readme_block_{i}.py"
        path.write_text(block, encoding="utf-8")
        runpy.run_path(str(path), run_name="readme")


def test_the_python_examples_pass_mypy_strict_as_user_code(tmp_path: Path) -> None:
    """What a user copies must type-check: list arguments, schema documents, parsed requests."""
    (tmp_path / "none.ini").write_text("[mypy]\n", encoding="utf-8")  # not the project's settings
    files = [ROOT / "examples" / "emulator.py", ROOT / "examples" / "emulator_state.py"]
    for i, block in enumerate(BLOCKS):
        if block.startswith(EMULATOR_EXCERPT):
            continue  # checked as the example file it is taken from
        path = tmp_path / f"readme_block_{i}.py"
        path.write_text(block, encoding="utf-8")
        files.append(path)
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.11", "--no-incremental",
         "--config-file", str(tmp_path / "none.ini"), *map(str, files)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]


def test_the_emulator_block_is_the_example_files_request_loop() -> None:
    (block,) = [b for b in BLOCKS if b.startswith(EMULATOR_EXCERPT)]
    code = block.split("\n", 1)[1]
    assert code.strip() and code in (ROOT / "examples" / "emulator.py").read_text(encoding="utf-8")


def test_two_set_up_commands_open_the_readme() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    first, second = commands[:2]
    assert first.startswith("python3 -m venv .venv && ") and "cognito-spec validate examples/" in first
    assert second.startswith("python3 -m venv .venv && ") and "pytest" in second
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "cognito-spec validate" in ci and "pytest" in ci
