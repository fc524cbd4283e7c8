from reviewer.core.extract.linking import link
from reviewer.core.model import Alias, Entity


def E(text, label):
    return Entity(0, len(text), label, text)


DOCS = {
    "a": [
        E("Viet Nam", "PLACE"),
        E("Nguyen Quoc Dzung", "PERSON"),
        E("Yoshihide Suga", "PERSON"),
        E("Association of Southeast Asian Nations", "ORG"),
        E("ASEAN", "ORG"),
    ],
    "b": [
        E("Vietnam", "PLACE"),
        E("VIETNAM", "PLACE"),
        E("Nguyen Quoc Dung", "PERSON"),
        E("Suga Yoshihide", "PERSON"),
        E("ASEAN", "ORG"),
    ],
}


def rec(res, name):
    return next(r for r in res.entities if r.name == name or name in r.aliases)


def test_safe_merges():
    res = link(DOCS)
    vn = rec(res, "Vietnam")
    assert {"Viet Nam", "Vietnam", "VIETNAM"} <= vn.aliases | {vn.name} and vn.docs == {"a", "b"}
    asean = rec(res, "ASEAN")
    assert "Association of Southeast Asian Nations" in asean.aliases | {asean.name}


def test_likely_matches_are_proposals_only():
    res = link(DOCS)
    assert rec(res, "Nguyen Quoc Dung") is not rec(res, "Nguyen Quoc Dzung")
    assert rec(res, "Suga Yoshihide") is not rec(res, "Yoshihide Suga")
    reasons = {(frozenset((p.a, p.b)), p.reason) for p in res.proposals}
    assert (frozenset(("Nguyen Quoc Dung", "Nguyen Quoc Dzung")), "edit-distance") in reasons
    assert (frozenset(("Suga Yoshihide", "Yoshihide Suga")), "token-order") in reasons


def test_confirmed_alias_merges():
    res = link(DOCS, [Alias("Yoshihide Suga", "Suga Yoshihide", "PERSON")])
    r = rec(res, "Yoshihide Suga")
    assert r.name == "Yoshihide Suga" and "Suga Yoshihide" in r.aliases
    assert not any({p.a, p.b} == {"Yoshihide Suga", "Suga Yoshihide"} for p in res.proposals)
    assert res.canonical_of("suga yoshihide", "PERSON") == "Yoshihide Suga"
