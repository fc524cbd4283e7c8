"""Before Qt starts: can its platform plugin load?

On Linux, Qt's X11 plugin (`libqxcb.so`) needs system libraries that a minimal install
lacks (libxcb-icccm4, libxcb-keysyms1, …). Without them Qt prints a misleading hint and
aborts the process. Reviewer asks the dynamic linker (`ldd`) first and prints the one
`apt install` line that fixes it. The README lists the packages for other systems.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

#: Debian/Ubuntu package of each library Qt's X11 plugin loads (by name, without version).
DEBIAN_PACKAGES = {
    "libGL": "libgl1", "libEGL": "libegl1", "libGLX": "libglx0",
    "libOpenGL": "libopengl0", "libGLdispatch": "libglvnd0",
    "libxkbcommon": "libxkbcommon0", "libxkbcommon-x11": "libxkbcommon-x11-0",
    "libxcb": "libxcb1", "libxcb-cursor": "libxcb-cursor0", "libxcb-icccm": "libxcb-icccm4",
    "libxcb-util": "libxcb-util1", "libxcb-image": "libxcb-image0",
    "libxcb-keysyms": "libxcb-keysyms1", "libxcb-randr": "libxcb-randr0",
    "libxcb-render-util": "libxcb-render-util0", "libxcb-render": "libxcb-render0",
    "libxcb-shm": "libxcb-shm0", "libxcb-sync": "libxcb-sync1",
    "libxcb-xfixes": "libxcb-xfixes0", "libxcb-shape": "libxcb-shape0",
    "libxcb-xkb": "libxcb-xkb1", "libxcb-xinput": "libxcb-xinput0",
    "libX11": "libx11-6", "libX11-xcb": "libx11-xcb1",
    "libfontconfig": "libfontconfig1", "libfreetype": "libfreetype6",
    "libdbus-1": "libdbus-1-3", "libglib-2.0": "libglib2.0-0", "libgthread-2.0": "libglib2.0-0",
}
_NOT_FOUND = re.compile(r"^\s*(\S+\.so[.\d]*)\s+=>\s+not found", re.M)


def debian_package(soname: str) -> str:
    """The Debian package of a library (`libxcb-icccm.so.4` -> `libxcb-icccm4`)."""
    stem, _, version = soname.partition(".so")
    if stem in DEBIAN_PACKAGES:
        return DEBIAN_PACKAGES[stem]
    major = version.strip(".").split(".")[0]
    return f"{stem.lower()}{'-' if stem[-1:].isdigit() else ''}{major}"


def xcb_plugin() -> Path | None:
    """The X11 platform plugin Qt would load (Qt's own search order)."""
    dirs = [os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "")]
    dirs += [str(Path(p) / "platforms")
             for p in os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            dirs.append(str(Path(loc) / "Qt" / "plugins" / "platforms"))
    for d in dirs:
        if d and (Path(d) / "libqxcb.so").is_file():
            return Path(d) / "libqxcb.so"
    return None


def missing_libraries(plugin: Path) -> list[str]:
    """The libraries the dynamic linker cannot find for `plugin` (by `ldd`)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(set(_NOT_FOUND.findall(out)))


def platform_problem() -> str | None:
    """A message when the window cannot be shown (no display, or system libraries
    missing for Qt's X11 plugin); None when Qt can start."""
    if not sys.platform.startswith("linux"):
        return None
    requested = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0]
    if requested and requested != "xcb":
        return None  # offscreen, wayland, vnc…: Qt's own business
    if not requested and os.environ.get("WAYLAND_DISPLAY"):
        return None
    if not os.environ.get("DISPLAY"):
        return ("reviewer: there is no display to show the window on (DISPLAY is not set). "
                "Start Reviewer from a desktop session, or use the command line "
                "(reviewer --help).")
    plugin = xcb_plugin()
    if plugin is None:
        return None
    missing = missing_libraries(plugin)
    if not missing:
        return None
    packages = sorted({debian_package(m) for m in missing})
    return ("reviewer: the window cannot open: Qt's X11 support needs system libraries "
            f"that are not installed ({', '.join(missing)}).\n"
            "On Debian or Ubuntu install them with:\n\n"
            f"    sudo apt install {' '.join(packages)}\n\n"
            "(the README's \"System packages\" section names them for other systems).")
