"""Possible conflicts in a memo: only a post one person holds given to different people at
the same time, a figure given different values, a numbered meeting given different days.
The releases go through the real extractor, as in the app."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reviewer.core.export.claims import interpret_role, same_person
from reviewer.core.export.conflicts import Conflict, find_conflicts
from reviewer.core.export.releases import Release
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace

Releases = Callable[..., list[Release]]


@pytest.fixture
def releases(tmp_path: Path) -> Iterator[Releases]:
    """Factory: write each text as a release file, index them, return their Releases."""
    opened: list[Workspace] = []

    def make(*texts: str, review: Callable[[Workspace, list[Release]], None] | None = None
             ) -> list[Release]:
        folder = tmp_path / f"set{len(opened)}"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"r{i}.txt").write_text(text, encoding="utf-8")
        ws = Workspace(tmp_path / f"data{len(opened)}")
        opened.append(ws)
        ws.library.add_paths([folder])
        ws.library.scan()
        ids = [ws.doc_id_for_path(folder / f"r{i}.txt") for i in range(len(texts))]
        out = [Release(n, document_view(ws, i)) for n, i in enumerate(ids, 1)]
        if review is not None:
            review(ws, out)
            out = [Release(n, document_view(ws, i)) for n, i in enumerate(ids, 1)]
        return out

    yield make
    for ws in opened:
        ws.close()


def by_subject(conflicts: list[Conflict]) -> dict[tuple[str, str], list]:
    return {(c.subject, c.kind): c.values() for c in conflicts}


def test_prime_minister_of_viet_nam_is_not_called_japanese(releases) -> None:
    [r] = releases("HANOI, 17 December 2023 – Prime Minister Pham Minh Chinh met Japanese "
                   "Prime Minister Kishida Fumio at the commemorative summit in Tokyo.\n")
    roles = {x.person: x for x in (interpret_role(r.view, f) for f in r.view.facts
                                   if f.kind == "role")}
    assert roles["Kishida Fumio"].post() == "Prime Minister of Japan"
    assert roles["Pham Minh Chinh"].post() == "Prime Minister"  # the text does not say
    assert find_conflicts([r]) == []


def test_holders_of_a_post_at_the_same_time_conflict(releases) -> None:
    rs = releases(
        "TOKYO, 27 May 2021 – Japanese Prime Minister Yoshihide Suga met ASEAN leaders in "
        "Tokyo today.\n",
        "HANOI, 3 June 2021 – Japanese Prime Minister Shinzo Abe thanked Viet Nam for its "
        "coordination of ASEAN-Japan relations.\n")
    conflicts = find_conflicts(rs)
    assert by_subject(conflicts) == {("Prime Minister of Japan", "holder"): [
        ("Yoshihide Suga", [1]), ("Shinzo Abe", [2])]}
    assert [c.when.shown() for c in conflicts[0].claims] == ["27 May 2021", "3 June 2021"]


def test_prime_ministers_of_different_years_do_not_conflict(releases) -> None:
    rs = releases(
        "TOKYO, 4 June 2019 – Japanese Prime Minister Shinzo Abe met ASEAN leaders.\n",
        "TOKYO, 15 October 2020 – Japanese Prime Minister Yoshihide Suga met ASEAN leaders.\n",
        "TOKYO, 17 December 2023 – Japanese Prime Minister Kishida Fumio met ASEAN leaders.\n",
        # undated: when it was said is unknown, so it cannot contradict anyone
        "Japanese Prime Minister Taro Aso spoke at the forum.\n")
    assert find_conflicts(rs) == []


def test_same_person_written_two_ways_or_a_former_holder_is_no_conflict(releases) -> None:
    rs = releases(
        "TOKYO, 15 October 2020 – Japanese Prime Minister Suga Yoshihide met ASEAN leaders. "
        "Former Prime Minister Shinzo Abe was not present.\n",
        "TOKYO, 16 October 2020 – Japanese Prime Minister Yoshihide Suga spoke again.\n")
    assert find_conflicts(rs) == []
    assert same_person("Suga Yoshihide", "Yoshihide Suga")
    assert same_person("Dung", "Nguyen Quoc Dung")
    assert same_person("Nguyen Quoc Dzung", "Nguyen Quoc Dung")
    assert not same_person("Shinzo Abe", "Yoshihide Suga")


def test_posts_many_people_hold_do_not_conflict(releases) -> None:
    rs = releases(
        "HANOI, 27 May 2021 – Vietnamese Deputy Foreign Minister Nguyen Quoc Dung opened "
        "the forum.\n",
        "HANOI, 28 May 2021 – Vietnamese Deputy Foreign Minister Le Hoai Trung closed "
        "the forum.\n")
    assert find_conflicts(rs) == []


def test_figures_for_the_same_thing_and_year_conflict_only_when_they_differ(releases) -> None:
    rs = releases(
        "TOKYO, 27 May 2021 – Japan pledged US$50 million to the ASEAN Centre for Public "
        "Health Emergencies in 2021.\n",
        "HANOI, 3 June 2021 – Japan pledged US$70 million to the ASEAN Centre for Public "
        "Health Emergencies in 2021.\n",
        "JAKARTA, 5 June 2021 – Japan pledged 50 million US dollars to the ASEAN Centre for "
        "Public Health Emergencies in 2021.\n",
        "JAKARTA, 5 June 2022 – Japan pledged US$90 million to the ASEAN Centre for Public "
        "Health Emergencies in 2022.\n")
    conflicts = by_subject(find_conflicts(rs))
    [(subject, kind)] = conflicts
    assert kind == "figure" and subject.endswith("(2021)")
    values = dict(conflicts[(subject, kind)])
    assert values.keys() == {"US$50 million", "US$70 million", "50 million US dollars"}
    assert values["US$70 million"] == [2]


def test_a_numbered_meeting_on_two_days_conflicts(releases) -> None:
    rs = releases(
        "JAKARTA, 27 May 2021 – The 36th ASEAN-Japan Forum was held on 27 May 2021.\n",
        "HANOI, 3 June 2021 – The 36th ASEAN-Japan Forum was held on 26 May 2021.\n",
        "HANOI, 3 June 2021 – The ASEAN-Japan Forum was held on 20 May 2021.\n")
    assert by_subject(find_conflicts(rs)) == {("36th ASEAN-Japan Forum", "date"): [
        ("27 May 2021", [1]), ("26 May 2021", [2])]}


def test_reviewer_corrections_and_disputes_count(releases) -> None:
    texts = ("TOKYO, 27 May 2021 – Japanese Prime Minister Yoshihide Suga met ASEAN "
             "leaders in Tokyo today.\n",
             "HANOI, 3 June 2021 – Japanese Prime Minister Shinzo Abe thanked Viet Nam.\n")

    def correct(ws: Workspace, rs: list[Release]) -> None:
        [abe] = [f for f in rs[1].view.facts if f.kind == "role"]
        ws.store.set_fact_status(rs[1].view.document.doc_id, abe.key(), "verified",
                                 value="Yoshihide Suga — Prime Minister — Japan")

    assert find_conflicts(releases(*texts, review=correct)) == []

    def dispute(ws: Workspace, rs: list[Release]) -> None:
        [abe] = [f for f in rs[1].view.facts if f.kind == "role"]
        ws.store.set_fact_status(rs[1].view.document.doc_id, abe.key(), "disputed")

    assert find_conflicts(releases(*texts, review=dispute)) == []

    def wrong(ws: Workspace, rs: list[Release]) -> None:  # a correction can create one
        [suga] = [f for f in rs[0].view.facts if f.kind == "role"]
        ws.store.set_fact_status(rs[0].view.document.doc_id, suga.key(), "verified",
                                 value="Taro Aso — Prime Minister — Japanese")

    conflicts = by_subject(find_conflicts(releases(*texts, review=wrong)))
    assert conflicts == {("Prime Minister of Japan", "holder"): [("Taro Aso", [1]),
                                                                 ("Shinzo Abe", [2])]}
