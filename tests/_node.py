"""Node.js for the tests that run real JavaScript (ajv, the AWS SDK for JavaScript v3).

Each JavaScript test keeps a ``package.json`` and ``package-lock.json`` in its own folder under
``tests/js``; :func:`node_with` installs that folder with ``npm ci`` the first time (and again when
the installed package no longer matches the pin), one installer at a time across pytest-xdist
workers, and returns the ``node`` executable.  Without node or npm the test is skipped, saying why.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One installer at a time (pytest-xdist runs a session per worker)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no parallel installs to guard against
        yield
        return
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pinned(folder: Path, package: str) -> str:
    """The version of ``package`` that ``folder/package.json`` pins."""
    version: str = json.loads((folder / "package.json").read_text(encoding="utf-8"))["dependencies"][package]
    return version


def _installed(folder: Path, package: str) -> str | None:
    try:
        manifest = json.loads(
            (folder / "node_modules" / package / "package.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None
    version: str = manifest["version"]
    return version


def node_with(folder: Path, package: str, why: str) -> str:
    """``node``, with ``folder``'s pinned packages installed (``package`` is the one checked)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(f"node and npm are needed to {why} ({folder.name}); install Node.js 18 or newer")
    want = pinned(folder, package)
    with _locked(folder / ".install.lock"):
        if _installed(folder, package) != want:
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if done.returncode != 0:
                pytest.fail(f"npm ci in {folder} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    assert _installed(folder, package) == want
    return node
