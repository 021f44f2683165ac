"""Every file misquiz writes for its user (reports, result files, calendar files, saved plans) goes through
write_output: never through a symbolic link, never over an existing file unless asked, never into a FIFO, a
device or a folder, and readable by its owner only (mode 0600)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from misquiz.core.catalogue import Explained

MODE = 0o600
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class OutputError(Explained, OSError):
    """A file that may not or cannot be written; the message names the file and says why, in a few words, in
    each language (`said`); an OSError, so that callers that caught the system's errors catch these too."""

    def __init__(self, key: str, path: Path, **values: object) -> None:
        super().__init__(key, path=str(path), **values)


# The system's reasons a person can act on, in their own words; any other is quoted as the system gives it.
REASONS = {
    errno.EACCES: "out_reason_denied",
    errno.EPERM: "out_reason_denied",
    errno.ENOSPC: "out_reason_full",
    errno.EROFS: "out_reason_read_only",
    errno.ENOENT: "out_reason_no_folder",
    errno.ENOTDIR: "out_reason_no_folder",
    errno.ENAMETOOLONG: "out_reason_name",
    errno.EINVAL: "out_reason_name",
}


def _failed(path: Path, exc: BaseException) -> OutputError:
    number = getattr(exc, "errno", None)
    key = REASONS.get(number) if isinstance(number, int) else None
    if key is not None:
        return OutputError("out_cannot", path, reason=Explained(key))
    return OutputError(
        "out_cannot", path, reason=Explained("out_reason_other", error=getattr(exc, "strerror", None) or exc)
    )


def _not_a_file(path: Path, mode: int) -> OutputError:
    return OutputError("out_is_folder" if stat.S_ISDIR(mode) else "out_is_special", path)


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
        raise _failed(path, exc) from None
    if found is not None:
        if stat.S_ISLNK(found.st_mode):
            raise OutputError("out_symlink", path)
        if not stat.S_ISREG(found.st_mode):
            raise _not_a_file(path, found.st_mode)
        if not force:
            raise OutputError("out_exists", path)
    flags = os.O_WRONLY | os.O_CREAT | NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not force:
        flags |= os.O_EXCL
    try:
        fd = os.open(path, flags, MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError("out_symlink", path) from None
        if exc.errno == errno.EEXIST:
            raise OutputError("out_exists", path) from None
        if exc.errno in (errno.ENXIO, errno.EISDIR):
            raise OutputError("out_is_folder" if exc.errno == errno.EISDIR else "out_is_special", path) from None
        raise _failed(path, exc) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped in between the look and the open
            raise _not_a_file(path, opened.st_mode)
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
        raise _failed(path, exc) from None
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
