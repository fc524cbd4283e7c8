"""The extractor's word lists (resources/wordlists/) stay tidy and consistent."""

from pathlib import Path

import pytest

from reviewer.core.resources import resource_path

FOLDER = resource_path("wordlists")
FILES = sorted(FOLDER.glob("*.txt"))


def entries(path: Path) -> list[str]:
    return [ln for ln in path.read_text("utf-8").splitlines() if ln and not ln.startswith("#")]


def words(name: str) -> set[str]:
    return set(entries(FOLDER / f"{name}.txt"))


def test_there_are_word_lists():
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_list_is_sorted_without_duplicates_or_stray_space(path):
    items = entries(path)
    assert items, f"{path.name} is empty"
    assert items == sorted(items), f"{path.name} is not sorted"
    assert len(items) == len(set(items)), f"{path.name} has duplicates"
    assert all(i == i.strip() and "  " not in i for i in items), f"stray space in {path.name}"
    assert path.read_text("utf-8").startswith("# "), f"{path.name} does not say what it holds"


@pytest.mark.parametrize("kind", ["org", "event", "doc", "place"])
def test_weak_heads_are_heads(kind):
    heads = words(f"{kind}_heads")
    if kind == "org":
        heads |= words("legal_suffixes")
    if kind == "doc":  # `Memorandum of Understanding`: a head only with a complement
        heads |= words("nonfinal_doc_heads")
    assert words(f"weak_{kind}_heads") <= heads


def test_a_legal_suffix_is_not_listed_again_as_an_org_head():
    assert not words("legal_suffixes") & words("org_heads")


def test_places_and_groups_do_not_contradict():
    assert not words("extra_places") & words("ambiguous_places")
    assert not words("extra_places") & words("extra_norp")
    assert not words("nonfinal_doc_heads") & words("doc_heads")
