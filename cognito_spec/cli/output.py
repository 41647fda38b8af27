"""Writing a command's output file as what it is (``redact OUT``, ``probe --har OUT``).

A regular file (or a new name) is replaced atomically: the output is written to a temporary file
beside it and renamed over it only when complete, so a failed run leaves no half-written file that
could be taken for a whole one, and the file keeps its permissions.  A symbolic link is followed
and the file it names is replaced the same way (the link stays a link).  A FIFO or a character
device (``/dev/null``, a terminal) is written to as a stream, never replaced: renaming a file over
``/dev/null`` as root would turn the device into a file.  Other kinds of file (directories,
sockets, block devices) are refused.  Every failure is a one-line :class:`UsageError`.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from typing import IO, TypeVar

from cognito_spec.errors import UsageError

__all__ = ["write_to"]

T = TypeVar("T")


def _fail(path: str, exc: OSError) -> UsageError:
    return UsageError(f"{path}: {exc.strerror or type(exc).__name__}")


def write_to(path: str, write: Callable[[IO[bytes]], T]) -> T:
    """Call ``write`` with a binary stream to ``path`` (see the module documentation); its result."""
    try:
        st = os.stat(path)  # follows a symbolic link
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _fail(path, exc) from None
    if st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        try:
            with open(path, "wb") as raw:
                return write(raw)
        except OSError as exc:
            raise _fail(path, exc) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{path}: neither a regular file, a FIFO nor a character device; not replaced")
    # A link is replaced through: its target gets the output, the link stays.
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory or ".")
    except OSError as exc:
        raise _fail(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as raw:
            result = write(raw)
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))  # the output keeps the permissions of what it replaces
        os.replace(tmp, target)
    except OSError as exc:
        raise _fail(path, exc) from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    return result
