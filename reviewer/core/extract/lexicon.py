"""The reviewer's library-wide labels, applied to every later extraction.

Only library-scope corrections (Label all in the library) are exact-string rules; a
document-scope correction changes its own release, and other releases only through the
learned recogniser it teaches (`reviewer.core.review.teaching`).

- add / confirm: the name is found wherever it recurs (whole words, case-sensitive);
- reject: the string is dropped wherever it is found;
- retype: the string gets the new label wherever it is found;
- aliases: matching mentions get `Entity.canonical`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reviewer.core.extract.occurrences import Names
from reviewer.core.model import Alias, Correction, Entity


@dataclass
class Lexicon:
    added: dict[str, str] = field(default_factory=dict)  # text -> label
    retyped: dict[str, str] = field(default_factory=dict)  # text -> label
    rejects: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)  # alias (casefolded) -> canonical
    # built once per lexicon: finding thousands of learned names costs one pass over a text
    _names: Names | None = None

    @classmethod
    def from_corrections(
        cls, corrections: Iterable[Correction], aliases: Iterable[Alias] = ()
    ) -> Lexicon:
        lex = cls()
        for c in corrections:
            t = c.text.strip()
            if not t or c.scope != "library":
                continue
            if c.action in ("add", "confirm", "resize"):
                lex.added[t] = c.label
                lex.rejects.discard(t)
            elif c.action == "retype":
                lex.retyped[t] = c.label
                if t in lex.added:
                    lex.added[t] = c.label
            elif c.action == "reject":
                lex.rejects.add(t)
                lex.added.pop(t, None)
        for a in aliases:
            lex.aliases[a.alias.casefold()] = a.canonical
            lex.aliases.setdefault(a.canonical.casefold(), a.canonical)
        if lex.added:
            lex._names = Names(lex.added)
        return lex

    def apply(self, text: str, ents: list[Entity]) -> list[Entity]:
        from reviewer.core.extract.patterns import resolve_overlaps

        out = list(ents)
        for start, end, t in self._names.find(text) if self._names else ():
            lab = self.retyped.get(t, self.added[t])
            # learned names beat automatic guesses that overlap them
            out = [e for e in out if not (e.start < end and start < e.end and e.source != "user")]
            out.append(Entity(start, end, lab, t, source="lexicon", score=2.0))
        for e in out:
            new = self.retyped.get(e.text)
            if new and e.source != "user":
                e.label = new
        out = [e for e in out if e.text not in self.rejects]
        if self.aliases:
            for e in out:
                c = self.aliases.get(e.text.casefold())
                if c:
                    e.canonical = c
        return resolve_overlaps(out)
