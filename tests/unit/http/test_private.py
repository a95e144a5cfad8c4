"""Cache files and folders only their owner can read, whatever the umask; another account's are
refused. (Running as root here, the "other account" is made with chown; elsewhere it is skipped.)"""

from __future__ import annotations

import os
import stat

import pytest

import posthog_frames as phf
from posthog_frames.http.private import private_file, private_folder

pytestmark = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX modes and owners")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o000, 0o022, 0o277], ids=["umask 000", "umask 022", "umask 277"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def test_created_private_whatever_the_umask(tmp_path, umask):
    folder = tmp_path / "a" / "cache"
    private_folder(folder, tighten=False)
    private_file(folder / "c.sqlite")
    assert mode(folder) == 0o700
    assert mode(folder / "c.sqlite") == 0o600  # 0o277 would have left even the owner out


def test_an_open_file_its_side_files_and_our_own_folder_are_tightened(tmp_path):
    folder = tmp_path / "posthog-frames"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    for suffix in ("", "-wal", "-shm"):
        (folder / f"c.sqlite{suffix}").write_bytes(b"")
        os.chmod(folder / f"c.sqlite{suffix}", 0o644)
    private_folder(folder, tighten=True)
    private_file(folder / "c.sqlite")
    assert mode(folder) == 0o700
    assert [mode(folder / f"c.sqlite{s}") for s in ("", "-wal", "-shm")] == [0o600] * 3


def test_a_folder_the_user_chose_is_left_as_it_is(tmp_path):
    os.chmod(tmp_path, 0o755)
    private_folder(tmp_path, tighten=False)
    assert mode(tmp_path) == 0o755


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_another_accounts_file_or_folder_is_refused(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"")
    os.chown(path, 4321, -1)
    with pytest.raises(phf.ConfigurationError, match="belongs to another account"):
        private_file(path)
    folder = tmp_path / "posthog-frames"
    folder.mkdir()
    os.chown(folder, 4321, -1)
    with pytest.raises(phf.ConfigurationError, match="uid 4321"):
        private_folder(folder, tighten=True)
