"""Who is reviewing: the account's full name, offered as the name notes are signed with."""
from __future__ import annotations

import getpass
import os
import sys


def full_name() -> str:
    """The account's full name (the GECOS field on Unix, the display name on Windows),
    else its login name; "" when the system says neither."""
    name = ""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        name = _windows_display_name()
    else:
        try:
            import pwd

            name = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0]
        except (KeyError, ImportError, OSError):
            name = ""
    if not name.strip():
        try:
            name = getpass.getuser()
        except (OSError, KeyError, ImportError):
            name = ""
    return " ".join(name.split())


def _windows_display_name() -> str:  # pragma: no cover - Windows only
    try:
        import ctypes

        size = ctypes.c_ulong(0)
        secur32 = ctypes.windll.secur32  # type: ignore[attr-defined]
        secur32.GetUserNameExW(3, None, ctypes.byref(size))  # 3: NameDisplay
        buf = ctypes.create_unicode_buffer(size.value)
        if secur32.GetUserNameExW(3, buf, ctypes.byref(size)):
            return str(buf.value)
    except (OSError, AttributeError, ValueError):
        pass
    return ""
