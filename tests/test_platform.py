"""Qt's X11 plugin needs system libraries a minimal Linux lacks: Reviewer names the
packages to install instead of letting Qt abort."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.ui.platform import debian_package, xcb_plugin

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("ldd"),
                                reason="Qt's X11 plugin and ldd are Linux things")


def plugin_needing(tmp_path: Path, old: bytes, new: bytes) -> Path:
    """A copy of Qt's real X11 plugin that needs library `new` instead of `old` (same
    length), laid out so its other libraries are found as in the installed PySide6."""
    real = xcb_plugin()
    assert real is not None
    plugins = tmp_path / "plugins" / "platforms"
    plugins.mkdir(parents=True)
    data = real.read_bytes()
    assert len(old) == len(new) and data.count(old + b"\0") == 1
    (plugins / "libqxcb.so").write_bytes(data.replace(old + b"\0", new + b"\0"))
    (tmp_path / "lib").symlink_to(real.parents[2] / "lib")  # its RUNPATH: $ORIGIN/../../lib
    return plugins


def run_reviewer(env_extra: dict[str, str], data: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM",
                                                            "WAYLAND_DISPLAY")}
    env.update(PYTHONPATH=str(ROOT), **env_extra)
    return subprocess.run([sys.executable, "-m", "reviewer", "--data-dir", str(data)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_missing_x11_libraries_print_the_apt_line(tmp_path: Path) -> None:
    plugins = plugin_needing(tmp_path, b"libxcb-icccm.so.4", b"libxcb-icccm.so.9")
    r = run_reviewer({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":77",
                      "QT_QPA_PLATFORM_PLUGIN_PATH": str(plugins)}, tmp_path / "data")
    assert r.returncode == 2, r.stderr  # not Qt's abort (134)
    assert "libxcb-icccm.so.9" in r.stderr
    line = next(x for x in r.stderr.splitlines() if "sudo apt install" in x)
    assert "libxcb-icccm4" in line.split()
    assert "Aborted" not in r.stderr and "Could not load the Qt platform plugin" not in r.stderr


def test_no_display_says_so(tmp_path: Path) -> None:
    env = {"QT_QPA_PLATFORM": "xcb", "DISPLAY": ""}
    r = run_reviewer(env, tmp_path / "data")
    assert r.returncode == 2
    assert "no display" in r.stderr


def test_debian_packages_of_the_x11_libraries() -> None:
    assert debian_package("libxcb-keysyms.so.1") == "libxcb-keysyms1"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libxcb-foo.so.3") == "libxcb-foo3"
    assert debian_package("libfoo2.so.5") == "libfoo2-5"
