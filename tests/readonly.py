"""Read-only media, for real: a folder that not even root can write.

Tests run as root, for whom file modes stop nothing. A folder is made read-only by mounting
it over itself read-only, in a mount namespace of the command's own (``unshare -rm``: no
privilege needed where user namespaces are allowed, nothing changed for any other
process); where that is refused, by marking the folder and its files immutable
(``chattr +i``, root on ext4, xfs, btrfs…). Either way a write fails (EROFS, EPERM), so a
command that writes fails its test. Where neither works the test is skipped, except under
CI, where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest

# sh -c SCRIPT sh FOLDER COMMAND…: mount FOLDER read-only over itself, then run COMMAND
_MOUNT_READ_ONLY = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'


@cache
def _mount_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"archiver-ro-probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    try:
        result = subprocess.run(
            ["unshare", "-rm", "sh", "-c", _MOUNT_READ_ONLY, "sh", str(probe),
             "sh", "-c", 'touch "$0/x" 2>/dev/null && exit 1 || exit 0', str(probe)],
            capture_output=True, timeout=30,
        )  # fmt: skip
        return result.returncode == 0 and not (probe / "x").exists()
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def _chattr(flag: str, paths: Sequence[Path]) -> bool:
    if shutil.which("chattr") is None:
        return False
    result = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True)
    return result.returncode == 0


@contextmanager
def read_only(folder: Path) -> Iterator[list[str]]:
    """``folder`` read-only for the commands run with the yielded prefix (prepended to their
    argv): a read-only mount of their own, else immutable files while the block lasts."""
    if _mount_works():
        yield ["unshare", "-rm", "sh", "-c", _MOUNT_READ_ONLY, "sh", str(folder)]
        return
    paths = [*sorted(folder.rglob("*"), reverse=True), folder]
    if os.geteuid() == 0 and _chattr("+i", paths):
        try:
            yield []
        finally:
            _chattr("-i", paths)
        return
    message = "no way to make a folder read-only here (unshare -rm, chattr +i)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def immutable_file(path: Path) -> Iterator[None]:
    """The file ``path`` (not its folder) unwritable, even by root (``chattr +i``): a published
    dataset someone else owns. Skipped where the file system or the user cannot."""
    if os.geteuid() != 0 or not _chattr("+i", [path]):
        pytest.skip("chattr +i is refused here")
    try:
        yield
    finally:
        _chattr("-i", [path])


def archiver(prefix: Sequence[str], *args: str) -> subprocess.CompletedProcess[str]:
    """``archiver ARGS`` in a subprocess started with ``prefix`` (see :func:`read_only`)."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "archiver", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
