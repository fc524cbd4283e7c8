from reviewer.core.extract import extract

TEXT = (
    "JAKARTA, 27 May 2021 – The 36th ASEAN-Japan Forum held virtually today reaffirmed ties.\n"
    "Approximately 97% of the action lines have been addressed.\n"
    "The meeting was co-chaired by Nguyen Quoc Dzung, Deputy Foreign Minister of Viet Nam, and "
    "Takeo Mori, Senior Deputy Foreign Minister of Japan.\n"
    "Total trade reached 268.5 billion USD in 2022.\n"
)


def facts(kind):
    ex = extract(TEXT)
    out = [f for f in ex.facts if f.kind == kind]
    for f in out:
        assert 0 <= f.start < f.end <= len(TEXT)
        assert f.key()
    return out


def test_dateline_fact():
    (f,) = facts("dateline")
    assert f.fields["place"] == "JAKARTA" and f.fields["iso"] == "2021-05-27"


def test_role_facts():
    roles = {f.fields["person"]: f for f in facts("role")}
    assert (
        "Takeo Mori" in roles
        and "Senior Deputy Foreign Minister" in roles["Takeo Mori"].fields["title"]
    )
    assert roles["Takeo Mori"].fields["org"] == "Japan"
    assert "Nguyen Quoc Dzung" in roles
    f = roles["Takeo Mori"]
    assert "co-chaired" in TEXT[f.start : f.end]


def test_figure_facts():
    figs = {f.fields["text"]: f for f in facts("figure")}
    assert figs["97%"].fields["value"] == 0.97
    assert figs["268.5 billion USD"].fields["currency"] == "USD"
    assert "trade" in figs["268.5 billion USD"].fields.get("refers_to", "").lower()
    assert "97%" in TEXT[figs["97%"].start : figs["97%"].end]


def test_meeting_fact():
    (m,) = [f for f in facts("meeting") if f.fields["event"] == "36th ASEAN-Japan Forum"]
    assert m.fields.get("iso") == "2021-05-27"
