#!/usr/bin/env python3
"""Derive the compact gazetteers in resources/gazetteers/ from the open data set.

    python tools/build_resources.py [--data ../shared/data] [--corpus DIR_OR_TARBALL]

Inputs are the files described in shared/data/README.md (GeoNames, mledoze countries,
SSA / Census names, popular-names-by-country, supraverden organisations). The optional
corpus only yields the list of common lower-case English words (vocabulary, not names),
which the name recogniser uses to tell `Will`-the-verb from a name. The outputs are
committed so the app never reads shared/ at run time.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import sys
import tarfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "gazetteers"

MIN_CITY_POP = 100_000
MIN_GIVEN = 2_000  # SSA births 1930-2023
MAX_CENSUS_SURNAME_RANK = 15_000


def ascii_fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def latin(s: str) -> bool:
    return bool(s) and all(
        c.isascii() or unicodedata.category(c).startswith("L") and ord(c) < 0x250 or c in " -'’."
        for c in s
    )


def common_words(corpus: Path | None, limit: int = 25_000) -> list[str]:
    """Words written in lower case far more often than capitalised, from the corpus."""
    if corpus is None or not corpus.exists():
        return []
    low: collections.Counter[str] = collections.Counter()
    cap: collections.Counter[str] = collections.Counter()
    word = re.compile(r"(?<![\w@/.])([A-Za-z][a-z]+)(?![\w@])")

    def feed(text: str) -> None:
        for m in word.finditer(text):
            w = m.group(1)
            if w[0].islower():
                low[w] += 1
            else:
                cap[w.lower()] += 1

    if corpus.is_file():
        with tarfile.open(corpus) as tf:
            for member in tf:
                if member.isfile() and member.name.endswith(".md"):
                    fh = tf.extractfile(member)
                    if fh:
                        feed(fh.read().decode("utf-8", "replace"))
    else:
        for p in corpus.rglob("*.md"):
            feed(p.read_text("utf-8", "replace"))
    out = [w for w, n in low.most_common() if n >= 30 and n >= 2 * cap[w]]
    return sorted(out[:limit])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--corpus", default="")
    a = ap.parse_args()
    data = Path(a.data)
    OUT.mkdir(parents=True, exist_ok=True)

    corpus = Path(a.corpus) if a.corpus else None
    if corpus is None:
        for cand in (
            Path("/tmp/corpus/newsworthy_pr"),
            data.parent / "corpus" / "press-releases.tar.xz",
        ):
            if cand.exists():
                corpus = cand
                break
    common = common_words(corpus)
    if common:
        (OUT / "common_words.txt").write_text("\n".join(common) + "\n", "utf-8")
    common_set = set(common) | set(
        (OUT / "common_words.txt").read_text("utf-8").split()
        if (OUT / "common_words.txt").exists()
        else []
    )

    # ---- places: countries (names, official names, alternative spellings), admin1, cities
    places: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    countries = json.loads((data / "countries" / "countries.json").read_text("utf-8"))
    for c in countries:
        common_name = c["name"]["common"]
        names = {common_name, c["name"]["official"]}
        names.update(s for s in c.get("altSpellings", []) if len(s) > 3 and "," not in s)
        for n in names:
            if latin(n):
                places[n] = "country"
                places.setdefault(ascii_fold(n), "country")
        for d in (c.get("demonyms", {}).get("eng") or {}).values():
            if d and latin(d):
                demonyms[d] = common_name
    for line in (data / "geonames" / "countryInfo.txt").read_text("utf-8").splitlines():
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) > 4 and latin(cols[4]):
            places.setdefault(cols[4], "country")
    for line in (data / "geonames" / "admin1CodesASCII.txt").read_text("utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 3:
            for n in {cols[1], cols[2]}:
                if latin(n) and n.lower() not in common_set and len(n) > 3:
                    places.setdefault(n, "region")
    with open(data / "geonames" / "cities15000.txt", encoding="utf-8") as fh:
        for line in fh:
            cols = line.split("\t")
            try:
                pop = int(cols[14] or 0)
            except ValueError:
                continue
            if pop < MIN_CITY_POP:
                continue
            for n in {cols[1], cols[2]}:
                if latin(n) and n.lower() not in common_set and len(n) > 2:
                    places.setdefault(n, "city")
    (OUT / "places.tsv").write_text(
        "".join(f"{n}\t{k}\n" for n, k in sorted(places.items())), "utf-8"
    )
    (OUT / "demonyms.tsv").write_text(
        "".join(f"{d}\t{c}\n" for d, c in sorted(demonyms.items())), "utf-8"
    )

    # ---- given names and surnames
    given: set[str] = set()
    with open(data / "names" / "ssa-given-names-1930-2023.tsv", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            n, f, m = line.rstrip("\n").split("\t")
            if int(f) + int(m) >= MIN_GIVEN:
                given.add(n)
    for fn in ("dist.female.first", "dist.male.first"):
        for line in (data / "names" / fn).read_text("utf-8").splitlines():
            if line.strip():
                given.add(line.split()[0].title())
    surnames: set[str] = set()
    for line in (data / "names" / "dist.all.last").read_text("utf-8").splitlines():
        parts = line.split()
        if parts and int(parts[3]) <= MAX_CENSUS_SURNAME_RANK:
            surnames.add(parts[0].title())
    pn = data / "names" / "popular-names-by-country"
    with open(pn / "common-forenames-by-country.csv", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            for n in (row.get("Romanized Name") or "").split():
                if latin(n):
                    given.add(n)
                    given.add(ascii_fold(n))
    with open(pn / "common-surnames-by-country.csv", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            for n in (row.get("Romanized Name") or "").split():
                if latin(n):
                    surnames.add(n)
                    surnames.add(ascii_fold(n))
    (OUT / "given_names.txt").write_text("\n".join(sorted(given)) + "\n", "utf-8")
    (OUT / "surnames.txt").write_text("\n".join(sorted(surnames)) + "\n", "utf-8")

    # ---- intergovernmental organisations (name and English acronym)
    orgs: dict[str, str] = {}
    try:
        import yaml  # type: ignore[import-untyped]

        doc = yaml.safe_load((data / "organisations" / "general_list.yaml").read_text("utf-8"))
        items = [(k, v or {}) for k, v in doc.items()]
    except ImportError:  # a tiny fallback parser for the two keys we need
        items = []
        cur: dict[str, str] = {}
        for line in (data / "organisations" / "general_list.yaml").read_text("utf-8").splitlines():
            if line and not line.startswith(" ") and line.endswith(":"):
                cur = {}
                items.append((line[:-1], cur))
            elif line.startswith("  Abbreviation_en:") or line.startswith("  Name_en:"):
                k, _, v = line.strip().partition(":")
                cur[k] = v.strip().strip("'\"")
    for key, v in items:
        name = str(v.get("Name_en") or key).strip()
        acr = str(v.get("Abbreviation_en") or "").strip()
        if not latin(name):
            continue
        if not re.fullmatch(r"[A-Z][A-Za-z0-9&\-]{1,9}", acr) or acr.lower() in common_set:
            acr = ""
        orgs[name] = acr
    (OUT / "orgs.tsv").write_text("".join(f"{n}\t{a}\n" for n, a in sorted(orgs.items())), "utf-8")

    for p in sorted(OUT.iterdir()):
        print(f"{p.name:20} {p.stat().st_size:>9} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
