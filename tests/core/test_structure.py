"""Structure analyser tests: datelines with exact spans, titles, boilerplate, coverage, speed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from growth import assert_linear

from reviewer.core.documents.structure import analyse
from reviewer.core.model import BODY, BOILERPLATE, DATELINE, TITLE, Structure

SAMPLES = Path(__file__).resolve().parents[2] / "sample_docs"


def cut(text: str, span: tuple[int, int] | None) -> str | None:
    return None if span is None else text[span[0]:span[1]]


def assert_covers(text: str, st: Structure) -> None:
    """Blocks are in order, non-overlapping, and cover every non-empty line."""
    pos = 0
    for b in st.blocks:
        assert pos <= b.start < b.end
        assert "\n" not in text[b.start:b.end]
        pos = b.end
    covered = {(b.start, b.end) for b in st.blocks}
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if line.strip():
            s = m.start() + len(line) - len(line.lstrip())
            assert (s, s + len(line.strip())) in covered, line


# (first line, place, date, iso, source, dateline text)
DATELINES = [
    ("JAKARTA, 27 May 2021 – The 36th forum met.", "JAKARTA", "27 May 2021", "2021-05-27", "",
     "JAKARTA, 27 May 2021 –"),
    ("HANOI, Oct. 15 (VNA) - Vietnam and Japan agreed.", "HANOI", "Oct. 15", "", "VNA",
     "HANOI, Oct. 15 (VNA) -"),
    ("NEW YORK, NY / ACCESSWIRE / March 3, 2025 / Acme Corp. said.", "NEW YORK",
     "March 3, 2025", "2025-03-03", "ACCESSWIRE", "NEW YORK, NY / ACCESSWIRE / March 3, 2025 /"),
    ("SAN FRANCISCO, Jan. 5, 2025 (GLOBE NEWSWIRE) -- Acme today announced.", "SAN FRANCISCO",
     "Jan. 5, 2025", "2025-01-05", "GLOBE NEWSWIRE",
     "SAN FRANCISCO, Jan. 5, 2025 (GLOBE NEWSWIRE) --"),
    ("Hanoi (VNA) – The two sides met.", "Hanoi", "", "", "VNA", "Hanoi (VNA) –"),
    ("TOKYO--(BUSINESS WIRE)--Acme Corp. announced.", "TOKYO", "", "", "BUSINESS WIRE",
     "TOKYO--(BUSINESS WIRE)--"),
    ("KNOXVILLE, TN, September 23, 2025 /24-7PressRelease/ -- Transforming waste.", "KNOXVILLE",
     "September 23, 2025", "2025-09-23", "24-7PressRelease",
     "KNOXVILLE, TN, September 23, 2025 /24-7PressRelease/ --"),
    (" NESS ZIONA, ISRAEL - October 22, 2025 (NEWMEDIAWIRE) - Ayalon Highways said.",
     "NESS ZIONA", "October 22, 2025", "2025-10-22", "NEWMEDIAWIRE",
     "NESS ZIONA, ISRAEL - October 22, 2025 (NEWMEDIAWIRE) -"),
    ("St. Petersburg, FL (Newsworthy.ai) Tuesday Feb 6, 2024 @ 7:00 AM Central — HelloRookie.",
     "St. Petersburg", "Feb 6, 2024", "2024-02-06", "Newsworthy.ai",
     "St. Petersburg, FL (Newsworthy.ai) Tuesday Feb 6, 2024 @ 7:00 AM Central —"),
    ("HONG KONG SAR - [Media OutReach Newswire](https://www.media-outreach.com/) - 31 July 2026"
     " - The summit opened.", "HONG KONG SAR", "31 July 2026", "2026-07-31",
     "Media OutReach Newswire",
     "HONG KONG SAR - [Media OutReach Newswire](https://www.media-outreach.com/) - 31 July 2026 -"),
    ("ELGIN, IL / PR Karma / May 28, 2025 3:00", "ELGIN", "May 28, 2025", "2025-05-28",
     "PR Karma", "ELGIN, IL / PR Karma / May 28, 2025 3:00"),
    ("WASHINGTON, DC -- May 2021 -- The agency said.", "WASHINGTON", "May 2021", "2021-05", "",
     "WASHINGTON, DC -- May 2021 --"),
    ("June 10, 2024 – Geneva, Switzerland - Approaching seven years.", "Geneva", "June 10, 2024",
     "2024-06-10", "", "June 10, 2024 – Geneva, Switzerland -"),
    ("(NewsUSA) - As millions of Americans turn online.", "", "", "", "NewsUSA", "(NewsUSA) -"),
    ("Release Date: July 28, 2025", "", "July 28, 2025", "2025-07-28", "",
     "Release Date: July 28, 2025"),
    # Corpus cases: no-break spaces, two places, month after the state, date then place.
    ("MIAMI\u00a0- (NewMediaWire) - October 03, 2024 - Luminar said.", "MIAMI",
     "October 03, 2024", "2024-10-03", "NewMediaWire",
     "MIAMI\u00a0- (NewMediaWire) - October 03, 2024 -"),
    ("ANAHEIM, CA and LOUISVILLE, KY - March 10, 2025 (NEWMEDIAWIRE) - BioCorRx said.",
     "ANAHEIM", "March 10, 2025", "2025-03-10", "NEWMEDIAWIRE",
     "ANAHEIM, CA and LOUISVILLE, KY - March 10, 2025 (NEWMEDIAWIRE) -"),
    ("New York, NY April 3, 2026", "New York", "April 3, 2026", "2026-04-03", "",
     "New York, NY April 3, 2026"),
    ("May 20, 2025, Orem, UT – Turner MedTech expands.", "Orem", "May 20, 2025", "2025-05-20",
     "", "May 20, 2025, Orem, UT –"),
]


@pytest.mark.parametrize("line, place, date, iso, source, whole", DATELINES,
                         ids=[d[0][:24] for d in DATELINES])
def test_dateline_forms(line: str, place: str, date: str, iso: str, source: str,
                        whole: str) -> None:
    text = f"Acme Launches Widget\n{line}\nMore body text follows here.\n"
    st = analyse(text)
    dl = st.dateline
    assert dl is not None
    assert text[dl.start:dl.end] == whole
    assert (dl.place, dl.date, dl.iso, dl.source) == (place, date, iso, source)
    assert cut(text, dl.place_span) == (place or None)
    assert cut(text, dl.date_span) == (date or None)
    assert cut(text, dl.source_span) == (source or None)
    assert [b.kind for b in st.blocks] == [TITLE, DATELINE, BODY]
    assert st.title == "Acme Launches Widget"


@pytest.mark.parametrize("line", [
    "The meeting took note of the good progress made in 2021.",
    "Bitcoin (BTC): the price rose 5% on Monday.",
    "Meet The People (MTP), a charity, said on May 5, 2024 that it would grow.",
    "Apple (NASDAQ: AAPL) – today announced a product.",
    "ASEAN - Japan leaders at the ceremony",
    "On March 17, 2025, the Company received a notice.",
    "World of Dypians (WOD) - a game world.",
    "The Shiba Inu (SHIB)- a meme coin.",
    "Honor Wall and Veterans Day Ceremony November 1– all welcome",
    "(San Juan, December 9) – Fans gathered.",
])
def test_not_datelines(line: str) -> None:
    st = analyse(f"Some Headline Here\n{line}\n")
    assert st.dateline is None


def test_dateline_as_first_line_means_no_title() -> None:
    text = "JAKARTA, 26 August 2020 –Today, officials met.\nMore.\n"
    st = analyse(text)
    assert st.title == "" and st.title_span is None
    assert st.dateline and st.dateline.iso == "2020-08-26"
    assert st.blocks[0].kind == DATELINE


def test_markdown_title_span_covers_heading_text() -> None:
    text = ("# Acme Names New CFO\n\nSubtitle line here\n\n"
            " NEW YORK - (NewMediaWire) - May 6, 2025 - Acme.\n")
    st = analyse(text)
    assert st.title == "Acme Names New CFO"
    assert cut(text, st.title_span) == "Acme Names New CFO"
    assert st.blocks[0].kind == TITLE
    assert st.dateline and st.dateline.source == "NewMediaWire" and st.dateline.place == "NEW YORK"


def test_sentence_is_not_a_title() -> None:
    st = analyse("At the conference, leaders affirmed ties. They met again later.\nMore.\n")
    assert st.title == ""


def test_site_title_debris_skipped() -> None:
    text = ("MOIT VIETNAM | ASEAN-Japan cooperation should be improved\n\n/ News\n\n"
            "ASEAN-Japan cooperation should be improved\n\n15th October 2020 post by MOIT\n\n"
            "Body text of the article goes on.\n")
    st = analyse(text)
    assert st.title == "ASEAN-Japan cooperation should be improved"
    assert st.title_span[0] == text.index("ASEAN-Japan cooperation should be improved\n\n15")
    assert [b.reason for b in st.blocks[:2]] == ["navigation", "navigation"]
    assert st.dateline and st.dateline.iso == "2020-10-15"


RELEASE = """# Acme Names Jane Roe Chief Executive

LOS ANGELES, CA - October 27, 2025 (NEWMEDIAWIRE) - Acme Corp. named Jane Roe CEO.

"We are delighted," said John Doe, chairman of Acme.

About Acme Corp.

Acme Corp. makes widgets for the world. It was founded in 1990.

Learn more at www.acme.example.

Forward-Looking Statements

This press release contains forward-looking statements within the meaning of the Act.

Risks are described in our filings with the SEC.

Media Contact:
Jane Smith
jane@acme.example
+1 212-555-0100

View the original release on www.newmediawire.com

---

[Original/Source Press Release](https://example.com/release)

Share:
Print
Back to top
Home | News | Contact Us
"""


def test_boilerplate_kinds() -> None:
    st = analyse(RELEASE)
    assert_covers(RELEASE, st)
    got = [(RELEASE[b.start:b.end], b.kind, b.reason) for b in st.blocks]
    expected = [
        ("# Acme Names Jane Roe Chief Executive", TITLE, ""),
        ("LOS ANGELES, CA - October 27, 2025 (NEWMEDIAWIRE) - Acme Corp. named Jane Roe CEO.",
         DATELINE, ""),
        ('"We are delighted," said John Doe, chairman of Acme.', BODY, ""),
        ("About Acme Corp.", BOILERPLATE, "about"),
        ("Acme Corp. makes widgets for the world. It was founded in 1990.", BOILERPLATE, "about"),
        ("Learn more at www.acme.example.", BOILERPLATE, "about"),
        ("Forward-Looking Statements", BOILERPLATE, "disclaimer"),
        ("This press release contains forward-looking statements within the meaning of the Act.",
         BOILERPLATE, "disclaimer"),
        ("Risks are described in our filings with the SEC.", BOILERPLATE, "disclaimer"),
        ("Media Contact:", BOILERPLATE, "contact"),
        ("Jane Smith", BOILERPLATE, "contact"),
        ("jane@acme.example", BOILERPLATE, "contact"),
        ("+1 212-555-0100", BOILERPLATE, "contact"),
        ("View the original release on www.newmediawire.com", BOILERPLATE, "navigation"),
        ("---", BOILERPLATE, "navigation"),
        ("[Original/Source Press Release](https://example.com/release)", BOILERPLATE,
         "navigation"),
        ("Share:", BOILERPLATE, "navigation"),
        ("Print", BOILERPLATE, "navigation"),
        ("Back to top", BOILERPLATE, "navigation"),
        ("Home | News | Contact Us", BOILERPLATE, "navigation"),
    ]
    assert got == expected
    assert st.is_boilerplate(RELEASE.index("widgets"))
    assert not st.is_boilerplate(RELEASE.index("delighted"))


def test_contact_section_ends_at_a_paragraph() -> None:
    text = ("Headline For Test\n\nBody.\n\nPress contact\nJo Bloggs, 555-123-4567\n"
            + "This is a long ordinary paragraph " * 8 + "\n")
    st = analyse(text)
    assert [b.reason for b in st.blocks] == ["", "", "contact", "contact", ""]


def test_merged_about_heading_and_sample_navigation() -> None:
    text = (SAMPLES / "000_f7c1be859b819757.txt").read_text(encoding="utf-8")
    st = analyse(text)
    reasons = {text[b.start:b.end][:14]: b.reason for b in st.blocks}
    assert reasons["- ABOUT ASEANT"] == "about"
    assert reasons["Menu - SITEMAP"] == "navigation"
    assert reasons["The meeting to"] == ""


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_sample_docs_cover_all_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert_covers(text, analyse(text))


def test_sample_000_dateline() -> None:
    text = (SAMPLES / "000_f7c1be859b819757.txt").read_text(encoding="utf-8")
    dl = analyse(text).dateline
    assert text.startswith("JAKARTA, 27 May 2021 –")
    assert dl is not None
    assert (dl.start, dl.end) == (0, len("JAKARTA, 27 May 2021 –"))
    assert dl.place_span == (0, 7) and dl.date_span == (9, 20) and dl.iso == "2021-05-27"


def test_sample_003_title_and_other_news() -> None:
    text = (SAMPLES / "003_0f462b27d61fa48e.txt").read_text(encoding="utf-8")
    st = analyse(text)
    assert st.title.startswith("ASEAN, Japan are close")
    last = st.blocks[-1]
    assert text[last.start:last.end] == "Other news" and last.reason == "navigation"


def test_empty_and_blank() -> None:
    assert analyse("") == Structure()
    assert analyse("\n  \n\t\n").blocks == []


def test_linear_time() -> None:
    para = ("SAN FRANCISCO, Jan. 5, 2025 (GLOBE NEWSWIRE) -- Acme Corp. (NASDAQ: ACME) said "
            "revenue rose 5% to $3.2 million. Contact jane@acme.example or 555-123-4567.\n")
    many_lines = "Acme Launches Widget\n" + para * (1_000_000 // len(para))
    one_line = "Acme " + "a" * 500_000 + " " + "word@ (x) - " * 40_000
    for text in (many_lines, one_line):
        st = analyse(text)
        assert st.blocks
    assert_linear(lambda n: analyse(many_lines[:n]), 250_000, "many lines",
                  repeat=3)
    assert_linear(lambda n: analyse("Acme " + "a" * (n // 2) + " " + "word@ (x) - " * (n // 24)),
                  250_000, "one long line", repeat=3)


# --------------------------------------------------------------------------- titles

def test_release_without_headline_is_titled_by_its_first_sentence() -> None:
    """A release that starts with its dateline was titled by its file name (a hash)."""
    from pathlib import Path

    from reviewer.core.documents.loaders import load

    sample = Path(__file__).resolve().parents[2] / "sample_docs" / "000_f7c1be859b819757.txt"
    doc = load(sample)
    assert doc.structure.title == "" and doc.structure.title_span is None
    assert doc.title == ("The 36th ASEAN-Japan Forum held virtually today reaffirmed the "
                         "commitments of both sides to further…")


def test_first_sentence_title_stops_at_the_sentence_not_at_abbreviations() -> None:
    text = ("WASHINGTON, May 3, 2024 /PRNewswire/ -- Dr. Jane Smith of Acme Inc. joins "
            "the U.S. board. She starts on Monday.\n")
    st = analyse(text)
    assert st.first_sentence == "Dr. Jane Smith of Acme Inc. joins the U.S. board."


def test_a_headline_stays_the_title() -> None:
    st = analyse("Harbour Festival Opens\n\nHANOI, 3 June 2024 – The fair opened today.\n")
    assert st.title == "Harbour Festival Opens" and st.first_sentence == ""


# --------------------------------------------------------------------------- tables

def test_docx_table_is_body_not_boilerplate(tmp_path) -> None:
    """Short "|"-separated cells look like a site menu; in a .docx they are a table."""
    import docx

    from reviewer.core.documents.loaders import load

    d = docx.Document()
    d.add_paragraph("Japan Pledges Support for the Clean Energy Fund")
    d.add_paragraph("TOKYO, 27 May 2021 – Japan announced its contributions today.")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([("Country", "Amount", "Year"), ("Japan", "$5 million", "2021"),
                             ("Korea", "$2 million", "2022")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("Home | News | Contact")  # a real menu line outside the table
    d.save(str(tmp_path / "a.docx"))
    doc = load(tmp_path / "a.docx")
    kinds = {doc.text[b.start:b.end]: b.kind for b in doc.structure.blocks}
    assert kinds["Country | Amount | Year"] == "body"
    assert kinds["Japan | $5 million | 2021"] == "body"
    assert kinds["Home | News | Contact"] == "boilerplate"


def test_markdown_table_is_body_not_boilerplate(tmp_path) -> None:
    from reviewer.core.documents.loaders import load

    (tmp_path / "a.md").write_text(
        "# Japan Pledges Support\n\nTOKYO, 27 May 2021 – Japan announced its pledges.\n\n"
        "| Country | Amount |\n|---|---|\n| Japan | $5 million |\n", encoding="utf-8")
    doc = load(tmp_path / "a.md")
    kinds = {doc.text[b.start:b.end]: b.kind for b in doc.structure.blocks}
    assert kinds["| Japan | $5 million |"] == "body"
    assert kinds["| Country | Amount |"] == "body"
