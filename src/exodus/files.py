"""The one path every command takes to read a user's file and to write its outputs.

Reading: only regular files (a FIFO would hang, `/dev/zero` never ends), at most a stated size,
and every failure a `UserFileError` naming the path and the operating system's reason. Writing:
output paths are checked before any work starts (a parent that is a file, a directory that cannot
be written), files appear whole or not at all, and they take the mode the user's umask gives, not
the private 0600/0700 of `tempfile`.
"""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from pathlib import Path

from exodus import limits


class UserFileError(Exception):
    """A file or directory a command cannot use: the path, then what is wrong with it."""

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        self.path, self.message = os.fspath(path), message
        super().__init__(f"{self.path}: {message}")


def os_reason(exc: OSError) -> str:
    """The operating system's reason in words: 'No space left on device', not an errno tuple."""
    return exc.strerror or str(exc)


def read_user_bytes(
    path: str | os.PathLike[str],
    *,
    what: str,
    limit: int,
    shown: str | None = None,
) -> bytes:
    """The bytes of a user's file of kind `what`, refused unless it is a regular file of at most
    `limit` bytes (the limit is lifted by --no-limits)."""
    shown = os.fspath(path) if shown is None else shown
    check_user_file(path, what=what, limit=limit, shown=shown)
    lifted = limits.lifted()
    try:
        with open(path, "rb") as handle:
            data = handle.read() if lifted else handle.read(limit + 1)
    except OSError as exc:
        raise UserFileError(shown, f"cannot be read ({os_reason(exc)})") from None
    if not lifted and len(data) > limit:  # grew since stat
        raise UserFileError(shown, f"is more than the {_size(limit)} a {what} may be")
    return data


def check_user_file(
    path: str | os.PathLike[str], *, what: str, limit: int, shown: str | None = None
) -> None:
    """Refuse, without reading it, a path that is not a regular file of at most `limit` bytes."""
    shown = os.fspath(path) if shown is None else shown
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UserFileError(shown, "no such file") from None
    except NotADirectoryError:
        raise UserFileError(shown, "no such file (a parent is not a directory)") from None
    except OSError as exc:
        raise UserFileError(shown, f"cannot be read ({os_reason(exc)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UserFileError(shown, f"is a directory, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise UserFileError(
            shown, f"is not a regular file (a device, pipe or socket), not a {what}"
        )
    if limits.over(info.st_size, limit):
        raise UserFileError(
            shown,
            f"is {_size(info.st_size)}, more than the {_size(limit)} a {what} may be "
            f"({limits.HOW_TO_LIFT})",
        )


def read_user_text(
    path: str | os.PathLike[str], *, what: str, limit: int, shown: str | None = None
) -> str:
    """`read_user_bytes` decoded as UTF-8 text."""
    shown = os.fspath(path) if shown is None else shown
    data = read_user_bytes(path, what=what, limit=limit, shown=shown)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserFileError(shown, f"is not UTF-8 text (line {line})") from None


def _size(n: int) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


# ---- writing ------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new file gets from the user's umask (0644 under the usual 022)."""
    return 0o666 & ~_umask()


def dir_mode() -> int:
    """The mode a new directory gets from the user's umask (0755 under the usual 022)."""
    return 0o777 & ~_umask()


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that the file is either absent or complete, even after a crash;
    a failure (a full disk) is an OSError naming `path`."""
    path = Path(path)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, os_reason(exc), os.fspath(path)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), file_mode())
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, os_reason(exc), os.fspath(path)) from None
        raise


def staging_dir(target: Path, suffix: str = ".tmp") -> Path:
    """A hidden sibling of `target` to build it in, with the umask's mode (renamed into place)."""
    made = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent))
    os.chmod(made, dir_mode())
    return made


def check_output_dir(path: Path, *, option: str = "--out") -> None:
    """A directory that can be created (or reused) at `path`: refused now, before any work, if a
    parent is a regular file or the nearest existing parent cannot be written."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserFileError(path, f"exists and is not a directory ({option} names a directory)")
    _check_parents(path, option)


def check_output_file(path: Path, *, option: str = "--out") -> None:
    """A file that can be written at `path`: not a directory, in a directory that can be written."""
    path = Path(path)
    if path.is_dir():
        raise UserFileError(path, f"is a directory; {option} must name a file to write")
    _check_parents(path, option)


def _check_parents(path: Path, option: str) -> None:
    nearest = path if path.exists() else None
    for parent in Path(os.path.abspath(path)).parents:
        if nearest is not None:
            break
        if parent.exists():
            if not parent.is_dir():
                raise UserFileError(path, f"cannot be created: {parent} is a file, not a directory")
            nearest = parent
    if nearest is None:
        return
    probe = nearest if nearest.is_dir() else nearest.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UserFileError(path, f"cannot be written: permission denied on {probe}")


def hold_lock(path: Path, command: str, shown: Path) -> int:
    """Hold an advisory lock on `path` (created if absent) while this process writes `shown`;
    a UserFileError naming the process that holds it otherwise. The kernel drops the lock when
    the process ends, however it ends, so a lock is never stale. Returns the descriptor."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, file_mode())
    except OSError as exc:
        raise UserFileError(path, f"cannot be created ({os_reason(exc)})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.pread(fd, 300, 0).decode("utf-8", "replace").strip() or "another process"
        os.close(fd)
        raise UserFileError(
            shown, f"in use by {holder}; wait for it to finish (or stop it) first"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} ({command})\n".encode(), 0)
    return fd
