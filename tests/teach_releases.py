"""Three short releases in which the extractor takes the company "Harlow Finch" for a
person until a reviewer teaches it otherwise."""
from __future__ import annotations

from pathlib import Path

RELEASES = {
    "a.txt": "LEEDS, 3 June 2024 - Shares of Harlow Finch rose after Harlow Finch reported "
             "results for the quarter.\n",
    "b.txt": "LEEDS, 9 June 2024 - Harlow Finch will hire 40 engineers in Leeds, Harlow Finch "
             "said on Monday.\n",
    "c.txt": "LEEDS, 12 June 2024 - Analysts praised Harlow Finch on Tuesday.\n",
}


def write_releases(folder: Path) -> Path:
    folder.mkdir()
    for name, text in RELEASES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
