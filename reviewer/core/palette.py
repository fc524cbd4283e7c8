"""Entity label colours, names and keys shared by the app's legend and the Word memo.

The hues are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies). Highlights sit *behind* black text, so we use light tints of those hues:
the saturated originals (blue, vermilion, black) would make the text unreadable.
Okabe–Ito has eight colours for nine labels; DOCUMENT gets a neutral sand tone, and the
legend also shows each label's one-letter key so colour is never the only cue.
"""
from __future__ import annotations

from reviewer.core.model import LABELS

#: The saturated Okabe–Ito colour each label is derived from (for swatches, borders).
LABEL_BASE_COLORS: dict[str, str] = {
    "PERSON": "#E69F00",    # orange
    "ORG": "#56B4E9",       # sky blue
    "PLACE": "#009E73",     # bluish green
    "NORP": "#CC79A7",      # reddish purple
    "DATE": "#F0E442",      # yellow
    "MONEY": "#D55E00",     # vermilion
    "PERCENT": "#0072B2",   # blue
    "EVENT": "#000000",     # black
    "DOCUMENT": "#A6761D",  # sand (not Okabe–Ito: the ninth label)
}


def _tint(hex_color: str, amount: float) -> str:
    """Mix `hex_color` with white; amount 0 = the colour, 1 = white."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#{:02X}{:02X}{:02X}".format(*mix)


# Tint amounts are per hue: yellow is already light, black needs the most lightening.
_TINTS = {"PERSON": 0.55, "ORG": 0.55, "PLACE": 0.6, "NORP": 0.55, "DATE": 0.45,
          "MONEY": 0.6, "PERCENT": 0.65, "EVENT": 0.78, "DOCUMENT": 0.6}

#: Background colour of each label's highlight, "#RRGGBB".
LABEL_COLORS: dict[str, str] = {
    label: _tint(LABEL_BASE_COLORS[label], _TINTS[label]) for label in LABELS}

#: Human names for the legend and the memo.
LABEL_NAMES: dict[str, str] = {
    "PERSON": "Person", "ORG": "Organisation", "PLACE": "Place",
    "NORP": "Nationality / group", "DATE": "Date", "MONEY": "Money",
    "PERCENT": "Percentage", "EVENT": "Event", "DOCUMENT": "Document / law",
}

#: The default one-key shortcuts for labelling a selection (the user can rebind them in
#: the window; the legend shows the keys in use).
LABEL_KEYS: dict[str, str] = {
    "PERSON": "P", "ORG": "O", "PLACE": "L", "NORP": "N", "DATE": "D",
    "MONEY": "M", "PERCENT": "%", "EVENT": "E", "DOCUMENT": "C",
}

#: Second visual cue besides colour: an underline style per label (names, not toolkit
#: constants, so core stays GUI-free; the GUI maps them to QTextCharFormat styles).
LABEL_UNDERLINES: dict[str, str] = {
    "PERSON": "single", "ORG": "dash", "PLACE": "dot", "NORP": "dashdot",
    "DATE": "dashdotdot", "MONEY": "wave", "PERCENT": "wave", "EVENT": "single",
    "DOCUMENT": "dash",
}

#: Boilerplate text (About…, contacts, disclaimers) is de-emphasised in this grey.
BOILERPLATE_COLOR = "#8A8A8A"
#: A direction control (right-to-left override…) is shown as a stand-in on this colour.
CONTROL_COLOR = "#C0392B"
#: Search hits are framed in this colour (no label uses a frame, nor this magenta), on
#: plain text and on an entity alike; their text is bold.
HIT_FRAME_COLOR = "#E4007C"

assert set(LABEL_UNDERLINES) == set(LABELS) == set(LABEL_KEYS) == set(LABEL_NAMES)
