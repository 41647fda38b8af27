"""The shipped example emulator, loaded by its path (examples/ is not a package) for the tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "emulator.py"


def load_example(name: str = "emulator_example") -> ModuleType:
    """A fresh module of examples/emulator.py (it finds emulator_state.py beside it itself)."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
