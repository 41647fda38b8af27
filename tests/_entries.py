"""What a capture reader gives, as one comparable value: the tests of two readers compare these."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cognito_spec.errors import CaptureError
from cognito_spec.traffic import harstream


def outcome(entries: Iterator[Any]) -> tuple[list[str], str | None]:
    """The entries read (as reprs) and the error that ended the reading, if any."""
    got: list[str] = []
    try:
        for e in entries:
            got.append(repr(e))  # repr tells 1 from 1.0 from True, -0.0 from 0.0, and keeps order
    except CaptureError as exc:
        return got, f"{type(exc).__name__}: {exc}"
    return got, None


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the size of every `HarStream.read` from here on (the list grows as the test reads)."""
    sizes: list[int] = []
    read = harstream.HarStream.read

    def counted(self: harstream.HarStream, size: int | None = -1) -> bytes:
        data = read(self, size)
        sizes.append(len(data))
        return data

    monkeypatch.setattr(harstream.HarStream, "read", counted)
    return sizes
