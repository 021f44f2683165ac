"""Every file misquiz writes for its user (reports, result files, calendar files, saved plans) goes through
write_output: never through a symbolic link, never over an existing file unless asked, never into a FIFO, a
device or a folder, and readable by its owner only (mode 0600)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

MODE = 0o600
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class OutputError(OSError):
    """A file that may not or cannot be written; the message names the file and says why, in a few words
    (an OSError, so that callers that caught the system's errors catch these too)."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def write_output(target: str | os.PathLike[str], data: bytes, *, force: bool = False) -> None:
    """Write data into target, a new regular file of mode 0600 (or, with force, an existing regular file
    replaced). Raise OutputError for a symbolic link, an existing file without force, a FIFO, a device or a
    folder, and for every failure of the system (its reason in the message)."""
    path = Path(target)
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        found = None
    except (OSError, ValueError) as exc:
        raise OutputError(f"{path}: cannot write ({getattr(exc, 'strerror', None) or exc})") from None
    if found is not None:
        if stat.S_ISLNK(found.st_mode):
            raise OutputError(f"{path}: is a symbolic link; give the file's own name")
        if not stat.S_ISREG(found.st_mode):
            raise OutputError(f"{path}: is {_kind(found.st_mode)}, not a regular file")
        if not force:
            raise OutputError(f"{path}: already exists; give a new name, or --force to replace it")
    flags = os.O_WRONLY | os.O_CREAT | NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not force:
        flags |= os.O_EXCL
    try:
        fd = os.open(path, flags, MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError(f"{path}: is a symbolic link; give the file's own name") from None
        if exc.errno == errno.EEXIST:
            raise OutputError(f"{path}: already exists; give a new name, or --force to replace it") from None
        if exc.errno in (errno.ENXIO, errno.EISDIR):
            raise OutputError(f"{path}: is not a regular file") from None
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped in between the look and the open
            raise OutputError(f"{path}: is {_kind(opened.st_mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        os.ftruncate(fd, 0)
        with contextlib.suppress(OSError, AttributeError):  # another owner's file we may write: its mode stays
            os.fchmod(fd, MODE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        os.close(fd)


def write_new_in(folder: Path, first: str, data: bytes) -> Path:
    """Write data into folder under first, or under first numbered (name-2.ext, name-3.ext, ...) when that
    name is taken; return the path written."""
    stem, dot, ext = first.rpartition(".")
    if not dot:
        stem, ext = first, ""
    n = 1
    while True:
        name = first if n == 1 else f"{stem}-{n}{dot}{ext}"
        path = folder / name
        try:
            write_output(path, data)
        except OutputError:
            if os.path.lexists(path) and n < 1000:
                n += 1
                continue
            raise
        return path
