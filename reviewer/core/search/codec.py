"""Reviewer's Whoosh codec: Whoosh's own (W3) with three changes for speed at archive scale.

- Terms with few postings (most terms of a press-release archive: names, figures) are kept
  inline in the term table instead of each getting a posting block.
- Field lengths are read into memory once per segment.
- A posting block keeps its positions apart from its document numbers and frequencies:
  W3 pickles and compresses (ids, weights, positions) as one, so reading which releases
  hold a word (every search) also unpickled every position, 94% of the time for a common
  word. Here a block holds two parts compressed apart, (ids, weights) and the positions,
  and the positions are unpickled only when asked for (phrases, merges). Blocks written
  by W3 read as before.
"""
from __future__ import annotations

import sys
import zlib
from array import array
from itertools import accumulate
from pickle import dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PerDocReader,
    W3PostingsWriter,
)
from whoosh.codec.whoosh3 import _lenfield as _length_field
from whoosh.matching import ListMatcher
from whoosh.util.numeric import byte_to_length, length_to_byte

#: Blocks of fewer postings keep W3's layout: two compressed parts cost about 30 bytes more
#: than one, and such a block's positions are quick to unpickle anyway.
SPLIT_FROM = 64
# A block in `_PostingsWriter`'s layout starts with this; W3's starts with its ids.
_MARKER = "rv1"
# The first byte of a packed part: zlib-compressed or plain.
_ZLIB, _PLAIN = b"Z", b"P"


def _pack(raw: bytes, level: int) -> bytes:
    return _ZLIB + zlib.compress(raw, level) if level else _PLAIN + raw


def _unpack(part: bytes) -> bytes:
    return zlib.decompress(part[1:]) if part[:1] == _ZLIB else part[1:]


def _join_values(values: list[bytes]) -> bytes:
    """A block's values as: their number, where each ends (4 bytes each, little-endian),
    then the values end to end; one can be cut out without decoding the others."""
    ends = array("I", accumulate(map(len, values)))
    if sys.byteorder != "little":
        ends.byteswap()
    return len(values).to_bytes(4, "little") + ends.tobytes() + b"".join(values)


def split_values(raw: bytes) -> tuple[array[int], memoryview]:
    """(where each value ends, the values end to end) of `_join_values`' bytes."""
    n = int.from_bytes(raw[:4], "little")
    ends = array("I")
    ends.frombytes(raw[4:4 + 4 * n])
    if sys.byteorder != "little":
        ends.byteswap()
    return ends, memoryview(raw)[4 + 4 * n:]


class _PostingsWriter(W3PostingsWriter):
    def finish_postings(self) -> Any:
        # Whoosh 2.7.4 calls a non-existent `set_inline` when it inlines; the reader side
        # (`set_inlined` / `inlined_postings`) works, so only the writer needs the fix.
        # Only postings that all carry a value: Whoosh's inline reader hands '' (str)
        # back for a missing one, which a later segment merge rejects.
        terminfo: Any = self._terminfo  # type: ignore[has-type]  # set by Whoosh
        if (not self.written() and len(self) < self._inlinelimit
                and len(self._values) == len(self._ids)):
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
        else:  # Whoosh's own block path, without its broken inline branch
            if self._ids:
                self._write_block(last=True)
            terminfo.set_extent(self._startoffset, self._postfile.tell() - self._startoffset)
        self._terminfo = None
        return terminfo

    def _write_block(self, last: bool = False) -> None:
        fixedsize = self._format.fixed_value_size()
        if ((fixedsize is not None and fixedsize >= 0) or len(self._ids) < SPLIT_FROM
                or not all(type(v) is bytes for v in self._values)):
            super()._write_block(last)
            return
        # W3PostingsWriter._write_block, writing (marker, ids and weights, positions),
        # each part compressed apart, in a block marked uncompressed.
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        terminfo: Any = self._terminfo
        terminfo.add_block(self)
        level = self._compression
        data = (_MARKER, _pack(dumps((self._mini_ids(), self._mini_weights()), 2), level),
                _pack(_join_values(self._values), level))
        databytes = dumps(data, 2)
        ids = self._ids
        infobytes = dumps((len(ids), ids[-1], self._maxweight, 0,
                           length_to_byte(self._minlength),
                           length_to_byte(self._maxlength)), 2)
        size = len(infobytes) + len(databytes)
        self._postfile.write_int(-size if last else size)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class LeafMatcher(W3LeafMatcher):
    """W3's block reader, reading both block layouts: `_PostingsWriter`'s (positions
    unpickled only when asked for) and W3's own."""

    def _read_data(self) -> None:
        super()._read_data()
        data: Any = self._data  # type: ignore[has-type]  # set by Whoosh
        if len(data) == 3 and data[0] == _MARKER:
            ids, weights = loads(_unpack(data[1]))
            self._data = (ids, weights, data[2])

    def _read_values(self) -> None:
        split = self._split_values()
        if split is None:
            super()._read_values()
            return
        ends, data = split
        self._values = tuple(bytes(data[a:b]) for a, b in zip([0, *ends], ends, strict=False))

    def block_values(self) -> tuple[array[int], memoryview] | tuple[Any, ...]:
        """The current block's values: (where each ends, the values end to end) in
        Reviewer's layout, without decoding any; else the tuple of them (W3's)."""
        split = self._split_values()
        if split is not None:
            return split
        self._read_values()
        values: tuple[Any, ...] = self._values
        return values

    def _split_values(self) -> tuple[array[int], memoryview] | None:
        """The current block's values if it is in Reviewer's layout, else None."""
        data: Any = self._data
        if data is None:
            self._read_data()
            data = self._data
        vs = data[2]
        fixedsize = self._fixedsize
        if isinstance(vs, bytes) and (fixedsize is None or fixedsize < 0):
            return split_values(_unpack(vs))
        return None


class _LengthsReader(W3PerDocReader):
    """Field lengths read once per field into memory: the segment writer asks for a
    length for every posting it writes, and BM25 for every document it scores."""

    def doc_field_length(self, docnum: int, fieldname: str, default: Any = 0) -> Any:
        cache = self.__dict__.setdefault("_rv_lengths", {})
        values = cache.get(fieldname)
        if values is None:
            reader = self._cached_reader(_length_field(fieldname), LENGTHS_COLUMN)
            if reader is None:
                return default
            if getattr(reader, "_fixedlen", 0) == 1:  # one byte per document: one read
                values = bytes(reader._dbfile.get(reader._basepos, reader._count))
            else:
                values = bytes(reader)
            cache[fieldname] = values
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum} of {self._doccount}")
        lbyte = values[docnum] if docnum < len(values) else 0
        return byte_to_length(lbyte) if lbyte else None


class Codec(W3Codec):
    """Whoosh's default codec with the changes above."""

    def __init__(self) -> None:
        super().__init__(inlinelimit=8)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None,
                        scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term,
                               terminfo=terminfo)
        offset, length = terminfo.extent()
        return LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _LengthsReader(storage, segment)


CODEC = Codec()
