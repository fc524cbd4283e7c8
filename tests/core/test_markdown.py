"""Markdown shown as readable text: what is hidden, and the exact map of offsets."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core.documents.markdown import is_markdown, render, rendering_of

RELEASE = """# Payments Expert Launches **New** Advisory Firm

PALM BEACH, FL, April 22, 2024 /[24-7PressRelease](https://www.24-7pressrelease.com/)/ -- \
Payments visionary *Peter Gordon* announced the formation of \
[Atlantic Fintech Advisors](https://atlanticfintech.com/a_b_c) (AFA).

- Instant payments
- Growth consulting

| Country | Amount |
|---|---|
| Japan | $5 million |

Contact: `press@afa.com` and snake_case_word stay as they are.

---

![Blockchain Registration](https://cdn.example.com/qr.webp)

[Original Source](https://example.com/release)
"""

SHOWN = """Payments Expert Launches New Advisory Firm

PALM BEACH, FL, April 22, 2024 /24-7PressRelease/ -- \
Payments visionary Peter Gordon announced the formation of \
Atlantic Fintech Advisors (AFA).

• Instant payments
• Growth consulting

Country | Amount
Japan | $5 million

Contact: press@afa.com and snake_case_word stay as they are.

Original Source
"""


def test_markup_is_hidden_and_the_rest_is_the_raw_text() -> None:
    r = render(RELEASE)
    assert r.display == SHOWN
    heading = [RELEASE[s:e] for s, e, _ in r.headings]
    assert heading == ["Payments Expert Launches **New** Advisory Firm"]
    assert [RELEASE[s:e] for s, e in r.strong] == ["New"]
    assert [RELEASE[s:e] for s, e in r.emphasis] == ["Peter Gordon"]


def test_offsets_map_exactly_both_ways() -> None:
    r = render(RELEASE)
    for pos, ch in enumerate(r.display):
        src = r.to_source(pos)
        assert RELEASE[src] == ch or (ch == "•" and RELEASE[src] == "-")
        assert r.to_display(src) == pos
    # An entity in the raw text shows exactly its own characters.
    s = RELEASE.index("Atlantic Fintech Advisors")
    e = s + len("Atlantic Fintech Advisors")
    assert r.display[r.to_display(s):r.to_display(e)] == "Atlantic Fintech Advisors"
    # A span selected on screen is the raw span of what was selected, markup left out.
    ds = r.display.index("Peter Gordon")
    de = ds + len("Peter Gordon")
    assert RELEASE[r.to_source(ds):r.to_source_end(de)] == "Peter Gordon"
    assert r.to_display(len(RELEASE)) == len(r.display)
    assert r.to_source(len(r.display)) == len(RELEASE)


def test_setext_heading_fences_and_escapes() -> None:
    text = "Big News\n========\n\n```\n# not a heading\n```\nA \\*literal\\* star.\n"
    r = render(text)
    assert r.display == "Big News\n\n# not a heading\nA *literal* star.\n"
    assert [text[s:e] for s, e, _ in r.headings] == ["Big News"]


def test_rendering_is_only_for_markdown_and_is_kept() -> None:
    assert is_markdown("a/b/Release.MD") and not is_markdown("a.txt")
    assert rendering_of("a.txt", RELEASE) is None
    first = rendering_of("r.md", RELEASE)
    assert first is not None and rendering_of("r.md", RELEASE) is first


markdownish = st.text(alphabet=st.sampled_from(list("ab #*_-[]()!`|>\\\n:/.x1•")), max_size=300)


@settings(max_examples=300, deadline=None)
@given(markdownish)
def test_any_text_maps_monotonically_and_exactly(text: str) -> None:
    r = render(text)
    assert len(r.display) <= len(text)
    last = -1
    for pos, ch in enumerate(r.display):
        src = r.to_source(pos)
        assert src > last
        last = src
        assert text[src] == ch or (ch == "•" and text[src] in "-*+")
        assert r.to_display(src) == pos
    for offset in range(len(text) + 1):
        assert 0 <= r.to_display(offset) <= len(r.display)
