"""Write real PDF files for the tests: pages of text in Helvetica (a text layer any PDF
reader extracts), or pages that hold only an image, as a scanner makes them."""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field


@dataclass
class Page:
    #: (x, y from the bottom, font size, text) in points on an A4 page.
    lines: list[tuple[float, float, float, str]] = field(default_factory=list)
    image: bool = False  # a grey full-page image instead of text

    def text(self, x: float, y: float, size: float, text: str) -> Page:
        self.lines.append((x, y, size, text))
        return self


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")  # WinAnsiEncoding
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(pages: list[Page], *, password_protected: bool = False) -> bytes:
    """A PDF with one object per page, its content stream and, for image pages, a small
    grey image scaled over the page."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    kids = []
    for page in pages:
        resources = b"<< /Font << /F1 %d 0 R >>" % font
        if page.image:
            pixels = zlib.compress(bytes([200]) * (64 * 64))
            img = add(b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 "
                      b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                      b"/Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream")
            resources += b" /XObject << /Im1 %d 0 R >>" % img
            content = b"q 595 0 0 842 0 0 cm /Im1 Do Q\n"
        else:
            content = b"".join(
                b"BT /F1 %g Tf %g %g Td (%s) Tj ET\n" % (size, x, y, _escape(text))
                for x, y, size, text in page.lines)
        resources += b" >>"
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                        b"/Resources %s /Contents %d 0 R >>" % (pages_obj, resources, stream)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Kids [%s] /Count %d >>"
                              % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if password_protected:
        # An encryption dictionary whose password nobody knows: readers must refuse.
        trailer += (b" /Encrypt << /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>"
                    b" /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]"
                    % (b"11" * 32, b"22" * 32))
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def release_pages() -> list[Page]:
    """A two-page release: a letterhead and a page footer on both pages, a headline, a
    dateline, paragraphs wrapped over several lines, a paragraph broken by the page."""
    p1 = Page()
    p1.text(72, 800, 9, "Ministry of Foreign Affairs of Japan - Press Release")
    p1.text(72, 740, 16, "Japan and ASEAN Agree on a Clean Energy Forum")
    y = 700.0
    body1 = [
        "TOKYO, 27 May 2021 - Foreign Minister Motegi Toshimitsu met the ASEAN",
        "Secretary-General Dato Lim Jock Hoi in Tokyo today and agreed to hold the",
        "first ASEAN-Japan Clean Energy Forum in Jakarta in October.",
    ]
    body2 = [
        "The two sides welcomed the progress of 97% of the action lines of the Plan",
        "and pledged USD 5 million for energy projects in the region, to be managed by",
        "the Japan-ASEAN Integration Fund over the next three",
    ]
    for line in body1:
        p1.text(72, y, 11, line)
        y -= 14
    y -= 10  # the space between two paragraphs
    for line in body2:
        p1.text(72, y, 11, line)
        y -= 14
    p1.text(72, 40, 9, "www.mofa.go.jp | Page 1 of 2")
    p2 = Page()
    p2.text(72, 800, 9, "Ministry of Foreign Affairs of Japan - Press Release")
    y = 760.0
    for line in ["years.", "", "Media contact: press@mofa.go.jp"]:
        if line:
            p2.text(72, y, 11, line)
        y -= 24
    p2.text(72, 40, 9, "www.mofa.go.jp | Page 2 of 2")
    return [p1, p2]
