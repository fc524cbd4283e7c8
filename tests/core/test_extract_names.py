from growth import assert_linear

from reviewer.core.extract import extract


def ents(text: str):
    ex = extract(text)
    for e in ex.entities:
        assert text[e.start : e.end] == e.text
    for a, b in zip(ex.entities, ex.entities[1:], strict=False):
        assert a.end <= b.start
    return [(e.text, e.label) for e in ex.entities]


def test_title_before_person():
    got = ents("Senior Deputy Foreign Minister Takeo Mori said Japan would help.")
    assert ("Takeo Mori", "PERSON") in got and ("Japan", "PLACE") in got


def test_title_after_person_and_consistency():
    text = (
        "The talks were chaired by Li Huagang, Chairman of the board. "
        "Later, Huagang thanked the delegates."
    )
    got = ents(text)
    assert ("Li Huagang", "PERSON") in got and ("Huagang", "PERSON") in got


def test_surname_alone_follows_full_name():
    text = (
        "Deputy Minister Nguyen Quoc Dung met the press. Dung noted progress. "
        "Deputy Foreign Minister Dung also spoke."
    )
    got = ents(text)
    assert got.count(("Dung", "PERSON")) == 2


def test_org_heads_and_legal_suffix():
    got = ents(
        "Haier Smart Home Co., Ltd. signed with the Ministry of Foreign Affairs"
        " of Brunei Darussalam."
    )
    assert ("Haier Smart Home Co., Ltd.", "ORG") in got
    assert ("Ministry of Foreign Affairs", "ORG") in got and ("Brunei Darussalam", "PLACE") in got


def test_event_with_ordinal_and_leading_the_outside():
    got = ents("The 36th ASEAN-Japan Forum was held. The East Asia Summit followed.")
    assert ("36th ASEAN-Japan Forum", "EVENT") in got and ("East Asia Summit", "EVENT") in got


def test_documents():
    text = (
        "They adopted the Regional Comprehensive Economic Partnership Agreement and the "
        "ASEAN Connectivity Master Plan 2025, and the ASEAN Political-Security Community"
        " Blueprint 2025."
    )
    got = ents(text)
    assert ("Regional Comprehensive Economic Partnership Agreement", "DOCUMENT") in got
    assert ("ASEAN Connectivity Master Plan 2025", "DOCUMENT") in got
    assert ("ASEAN Political-Security Community Blueprint 2025", "DOCUMENT") in got


def test_generic_nouns_are_not_entities():
    got = ents("The meeting reviewed the Plan. The Senior Officials agreed. COVID-19 spread.")
    assert got == []


def test_acronym_definitions():
    text = (
        "Officials of the Republic of Korea (ROK) met. The ROK's support helped. "
        "The Association of Southeast Asian Nations, or ASEAN, was founded."
    )
    got = ents(text)
    assert ("Republic of Korea", "PLACE") in got
    assert got.count(("ROK", "PLACE")) == 2
    assert ("Association of Southeast Asian Nations", "ORG") in got and ("ASEAN", "ORG") in got


def test_norp_place_gazetteers():
    got = ents(
        "Japanese and Vietnamese officials met in Bangkok, Thailand, near the South China Sea."
    )
    assert ("Japanese", "NORP") in got and ("Vietnamese", "NORP") in got
    assert ("Bangkok", "PLACE") in got and ("Thailand", "PLACE") in got
    assert ("South China Sea", "PLACE") in got


def test_dateline_and_wire():
    text = "JAKARTA, 27 May 2021 – The meeting opened.\n"
    got = ents(text)
    assert got[:2] == [("JAKARTA", "PLACE"), ("27 May 2021", "DATE")]
    text = "NEW YORK, March 3, 2025 (NEWMEDIAWIRE) -- Acme Holdings Inc. (NASDAQ: ACME) today said."
    got = ents(text)
    assert ("NEWMEDIAWIRE", "ORG") in got and ("NASDAQ", "ORG") in got
    assert ("ACME", "ORG") not in got and ("Acme Holdings Inc.", "ORG") in got
    assert ("March 3, 2025", "DATE") in got


def test_photo_credit_agency():
    got = ents("The minister speaks in Hanoi on June 4 (Photo: VNA)")
    assert ("VNA", "ORG") in got


def test_navigation_debris_and_markup():
    text = (
        "Menu - WHO WE WORK WITH\n- WHAT WE DO\n**Acme Holdings Inc.** "
        "[visit](https://www.Acme.com) mail info@Acme.com\n"
    )
    got = ents(text)
    assert all("WHO" not in t and "*" not in t and "http" not in t and "@" not in t for t, _ in got)
    assert ("Acme Holdings Inc.", "ORG") in got


def test_compound_modifier_not_marked():
    got = ents("ASEAN - Japan cooperation grew, with Japan - ASEAN's oldest partner.")
    assert ("ASEAN", "ORG") in got and got.count(("Japan", "PLACE")) == 1


def test_a_long_release_grows_linearly():
    para = (
        "JAKARTA, 27 May 2021 – The 36th ASEAN-Japan Forum met. Deputy Minister Nguyen Quoc Dung "
        "said 97% of US $ 50 million went to the ASEAN Secretariat in Bangkok, Thailand.\n"
    )
    text = para * (250_000 // len(para) + 1)
    ex = extract(text)
    assert len(ex.entities) > 250
    assert_linear(lambda n: extract(text[:n]), 50_000, "a repeated paragraph")


# -- corporate releases: general precision rules ---------------------------------------------


def test_title_case_headline_words_are_not_names():
    text = (
        "# MoneyShow to Host 2025 Toronto Conference on Sept. 12-13\n\n"
        "SunKnowledge Continues to Offer Lucrative Lifetime Referral Program for Professionals\n\n"
        "MoneyShow, a producer of financial conferences, will host investors in Toronto.\n"
    )
    got = ents(text)
    labels = {t: lab for t, lab in got}
    assert not any("Host" in t or "Offer" in t for t in labels)
    assert labels.get("Toronto") == "PLACE"  # gazetteer names still match in headlines


def test_headline_keeps_legal_names_and_body_confirmed_names():
    text = (
        "# Acme Robotics Inc. Opens Pacific Research Institute in Oslo Today\n\n"
        "OSLO - Acme Robotics Inc. said the Pacific Research Institute will employ 40 people.\n"
    )
    got = ents(text)
    assert got.count(("Acme Robotics Inc.", "ORG")) == 2
    assert got.count(("Pacific Research Institute", "ORG")) == 2  # confirmed by the body


def test_body_sentence_is_not_a_headline():
    got = ents("Ministry of Foreign Affairs Head Nguyen Quoc Dung co-chaired the 35th ASEAN Forum.")
    assert ("Ministry of Foreign Affairs", "ORG") in got


def test_company_short_name_after_legal_name():
    text = (
        "Grant Thornton LLP named a new CFO. Grant Thornton has offices in Chicago. "
        "SignaBlok, Inc. presented data. SignaBlok will attend."
    )
    got = ents(text)
    assert ("Grant Thornton", "ORG") in got and ("SignaBlok", "ORG") in got
    assert ("Thornton", "PLACE") not in got


def test_company_alias_is_not_an_everyday_word():
    from reviewer.core.extract.consistency import company_alias
    from reviewer.core.extract.gazetteer import gazetteer

    g = gazetteer()
    assert company_alias("Haier Smart Home Co., Ltd.", g) == "Haier Smart Home"
    assert company_alias("Best, Inc.", g) == ""  # one everyday word: not every "best"
    assert company_alias("Inc.", g) == ""


def test_middle_initial_keeps_person_together():
    got = ents("The book by Michael J. Young, M.D. was reviewed by John F. Kennedy in Boston.")
    assert ("Michael J. Young", "PERSON") in got and ("John F. Kennedy", "PERSON") in got
    assert ("Michael", "PLACE") not in got
    # a letter before a full stop and a new sentence is not an initial
    assert all(lab != "PERSON" for _, lab in ents("We chose Plan B. The Company said so."))


def test_people_named_regions_and_compass_words_are_not_places():
    got = ents("Mary Smith said North and Central teams met. Sales grew in Central Java.")
    assert ("Mary Smith", "PERSON") in got and ("Central Java", "PLACE") in got
    assert ("North", "PLACE") not in got and ("Central", "PLACE") not in got


def test_street_addresses_are_not_people():
    got = ents("The shop at 399 Washington Street and Park Street opens; Lake Shore Drive is shut.")
    assert all(lab != "PERSON" for _, lab in got)


def test_date_does_not_cross_a_blank_line():
    got = ents("Results for the year ended December 31,\n\n2024 was a good year.")
    assert ("December 31", "DATE") in got and all("\n" not in t for t, _ in got)
    assert ("December 31, 2024", "DATE") in ents("The year ended December 31, 2024.")


def test_exchanges_in_ticker_brackets():
    got = ents("Wavemaker Inc. (TSX.V: WVM) (OTCQX: WVMDF) and Acme Corp. (NASDAQ: ACME) said.")
    assert ("TSX.V", "ORG") in got and ("OTCQX", "ORG") in got and ("NASDAQ", "ORG") in got
    assert not any(t in ("WVM", "WVMDF", "ACME") for t, _ in got)  # tickers are not entities


def test_urls_emails_phones_and_link_targets_are_masked():
    text = (
        "See [the site](https://share.google/wa33urAql9DPp4iuO) for details. "
        "You can reach Acme Holdings Inc. at +1 (415) 555-0134 or info@AcmeHoldings.com."
    )
    got = ents(text)
    assert ("Acme Holdings Inc.", "ORG") in got
    assert not any(c in t for t, _ in got for c in ("http", "@", "555", "]("))


def test_protocol_amending_a_named_agreement_is_one_document():
    text = (
        "They welcomed the First Protocol amending the ASEAN-Japan Comprehensive Economic "
        "Partnership Agreement and the Protocol to the Regional Comprehensive Economic "
        "Partnership Agreement."
    )
    got = ents(text)
    assert (
        "First Protocol amending the ASEAN-Japan Comprehensive Economic Partnership Agreement",
        "DOCUMENT",
    ) in got
    assert (
        "Protocol to the Regional Comprehensive Economic Partnership Agreement",
        "DOCUMENT",
    ) in got
    # only a document is extended, not an organisation
    got = ents("They debated an Amendment to the Ministry of Finance budget.")
    assert ("Ministry of Finance", "ORG") in got


def test_acronym_spelling_a_longer_name_does_not_take_a_place_label():
    got = ents("Japan supports the ASEAN Prospects of the Indo-Pacific (AOIP) fully.")
    assert ("AOIP", "PLACE") not in got
    # the acronym takes the label of the name it spells, whichever reading wins
    assert ("Indo-Pacific", "PLACE") in got or (
        ("ASEAN Prospects of the Indo-Pacific", "DOCUMENT") in got and ("AOIP", "DOCUMENT") in got)
    got = ents("Japan kept the Indo-Pacific Strategy (FOIP) as a priority.")
    assert ("FOIP", "DOCUMENT") in got
