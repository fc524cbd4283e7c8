"""The library's full-text index and search. Whoosh is used here and nowhere else.

The rest of Reviewer uses these names only; none of them hands out a Whoosh object:

- `Library`: folders of releases scanned incrementally into the index and the store
  (`scan` returns a `ScanReport`; a cancelled scan keeps what it finished), the text
  first, then the entities (`fill_entities` returns an `EntityReport`);
- `Searcher`: `search(query)` gives a `SearchResult` of `Hit`s with highlight offsets and
  facet counts, `highlights(query, text)` the hit offsets in one release's text;
  `start(query, generation)` a `SearchRun` answering in stages (a screen of hits, then
  facets and statuses), which stops with `Superseded` once `supersede()` starts a newer
  generation; `warm_up()` reads what a first search needs;
- `SearchIndex`: the index on disk, a cache rebuilt from the files when it is damaged
  (`entity_counts` per release for the library list);
- `QueryError` (a query that cannot be understood), `IndexLockedError` (another
  Reviewer is writing the index).
"""
from reviewer.core.search.entity_pass import EntityReport
from reviewer.core.search.index import IndexLockedError, SearchIndex
from reviewer.core.search.library import Cancelled, Library
from reviewer.core.search.parsing import QueryError
from reviewer.core.search.scan_book import ScanReport
from reviewer.core.search.searcher import Hit, Searcher, SearchResult, SearchRun, Superseded

__all__ = ["Cancelled", "EntityReport", "Hit", "IndexLockedError", "Library", "QueryError",
           "ScanReport", "SearchIndex", "SearchResult", "SearchRun", "Searcher", "Superseded"]
