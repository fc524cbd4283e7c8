"""The library's entities across releases, from each release's names as written and the
confirmed links: grouping, proposals, and the link changes a merge, a split or a new
canonical name make."""
from __future__ import annotations

from pathlib import Path

from reviewer.core.model import Alias, Entity
from reviewer.core.review.groups import alias_proposals, group_entities, only_numbers_differ
from reviewer.core.review.library_entities import (
    PairCache,
    default_canonical,
    library_entities,
    library_proposals,
    merge_plan,
    name_pairs,
    split_plan,
)
from reviewer.core.store import ReviewStore

MENTIONS = {
    1: {"PERSON": {"Nguyen Quoc Dzung": 1}, "DATE": {"2019": 3}},
    2: {"PERSON": {"Nguyen Quoc Dung": 4, "Dung": 2}},
    3: {"PERSON": {"Nguyen Quoc Dung": 3}, "EVENT": {"35th ASEAN Forum": 1}},
    4: {"EVENT": {"36th ASEAN Forum": 1}},
}


def by_canonical(entities):
    return {(e.label, e.canonical): e for e in entities}


def test_names_across_releases_without_links() -> None:
    ents = library_entities(MENTIONS, [])
    got = by_canonical(ents)
    assert ("DATE", "2019") not in got  # dates and amounts are not named entities
    dung = got[("PERSON", "Nguyen Quoc Dung")]
    assert (dung.releases, dung.mentions, dung.aliases) == ({2, 3}, 7, [])
    assert ents[0].canonical == "Nguyen Quoc Dung"  # most releases first


def test_links_group_names_and_follow_chains() -> None:
    aliases = [Alias("Nguyen Quoc Dung", "Nguyen Quoc Dzung", "PERSON", 1),
               Alias("Nguyen Quoc Dzung", "Dung", "PERSON", 2)]
    got = by_canonical(library_entities(MENTIONS, aliases))
    dung = got[("PERSON", "Nguyen Quoc Dung")]
    assert dung.releases == {1, 2, 3} and dung.mentions == 10
    assert dung.aliases == ["Dung", "Nguyen Quoc Dzung"]
    assert dung.alias_ids == {"Nguyen Quoc Dzung": 1, "Dung": 2}
    assert ("PERSON", "Dung") not in got


def test_a_cycle_of_links_ends() -> None:
    aliases = [Alias("A B", "B A", "PERSON", 1), Alias("B A", "A B", "PERSON", 2)]
    ents = library_entities({1: {"PERSON": {"A B": 1, "B A": 1}}}, aliases)
    assert sum(len(e.names) for e in ents) >= 2


def test_proposals_across_releases_and_not_the_same() -> None:
    ents = library_entities(MENTIONS, [])
    pairs = name_pairs(ents)
    props = {(p.label, p.a, p.b): p.reason for p in library_proposals(ents, pairs)}
    assert props[("PERSON", "Nguyen Quoc Dung", "Nguyen Quoc Dzung")] == "spelling"
    # Names that differ only in their numbers are different events.
    assert not any("Forum" in a for _, a, _b in props)
    said = {("PERSON", "Nguyen Quoc Dung", "Nguyen Quoc Dzung")}
    assert ("PERSON", "Nguyen Quoc Dung", "Nguyen Quoc Dzung") not in {
        (p.label, p.a, p.b) for p in library_proposals(ents, pairs, said)}
    # Once linked, the two are one entity: nothing left to propose between them.
    linked = library_entities(MENTIONS, [Alias("Nguyen Quoc Dung", "Nguyen Quoc Dzung",
                                               "PERSON", 1)])
    assert not any("Dzung" in p.a + p.b for p in library_proposals(linked, pairs))


def test_pair_cache_links_a_label_again_only_when_its_names_change() -> None:
    cache = PairCache()
    ents = library_entities(MENTIONS, [])
    first = name_pairs(ents, cache)
    kept = cache.labels["PERSON"]
    assert name_pairs(ents, cache) == first and cache.labels["PERSON"] is kept
    more = {**MENTIONS, 5: {"PERSON": {"Yoshihide Suga": 1, "Suga Yoshihide": 1}}}
    pairs = name_pairs(library_entities(more, []), cache)
    assert pairs[("PERSON", "Suga Yoshihide", "Yoshihide Suga")] == "name order"
    assert cache.labels["PERSON"] is not kept and cache.labels["EVENT"][1] == {}


def test_merge_split_and_canonical_plans() -> None:
    ents = by_canonical(library_entities(MENTIONS, [Alias("Nguyen Quoc Dung", "Dung",
                                                          "PERSON", 7)]))
    dung, dzung = ents[("PERSON", "Nguyen Quoc Dung")], ents[("PERSON", "Nguyen Quoc Dzung")]
    assert default_canonical([dzung, dung]) == "Nguyen Quoc Dung"  # in most releases
    remove, add = merge_plan([dung, dzung], "Nguyen Quoc Dzung")
    assert remove == [7]
    assert add == [("Nguyen Quoc Dzung", "Dung", "PERSON"),
                   ("Nguyen Quoc Dzung", "Nguyen Quoc Dung", "PERSON")]
    assert split_plan(dung, ["Dung"]) == ([7], [])
    assert split_plan(dung, ["Nguyen Quoc Dung"]) == ([7], [])  # the canonical: all


def test_store_replaces_and_restores_links_and_keeps_distinct_names(tmp_path: Path) -> None:
    s = ReviewStore(tmp_path / "review.sqlite3")
    first = s.add_alias("Nguyen Quoc Dung", "Dung", "PERSON")
    removed, added = s.replace_aliases([first], [("Dzung", "Dung", "PERSON"),
                                                 ("Dzung", "Nguyen Quoc Dung", "PERSON")])
    assert [(a.canonical, a.alias) for a in s.aliases()] == [("Dzung", "Dung"),
                                                           ("Dzung", "Nguyen Quoc Dung")]
    s.restore_aliases(added, removed)
    assert [(a.canonical, a.alias, a.id) for a in s.aliases()] == [
        ("Nguyen Quoc Dung", "Dung", first)]
    d = s.add_distinct("PLACE", "Vietnam", "Viet Nam")
    assert s.add_distinct("PLACE", "Viet Nam", "Vietnam") == d  # either order, once
    assert s.distinct_names() == {("PLACE", "Viet Nam", "Vietnam")}
    s.delete_distinct(d)
    assert s.distinct_names() == set()
    s.close()


def test_release_proposals_skip_numbers_and_names_said_different() -> None:
    text = "The 35th Forum met. The 36th Forum will meet. Takeo Mori spoke; Mori left."
    spans = [("EVENT", "35th Forum"), ("EVENT", "36th Forum"), ("PERSON", "Takeo Mori"),
             ("PERSON", "Mori")]
    ents = [Entity(text.rindex(name), text.rindex(name) + len(name), label, name)
            for label, name in spans]
    groups = group_entities(ents)
    props = alias_proposals([g for gs in groups.values() for g in gs], [])
    assert ("Takeo Mori", "Mori", "PERSON") in props
    assert not any("Forum" in p[0] for p in props)
    assert only_numbers_differ("G7", "G8") and not only_numbers_differ("G7", "G7")
    said = {("PERSON", "Mori", "Takeo Mori")}
    assert alias_proposals([g for gs in groups.values() for g in gs], [], said) == []
