"""Names vulture cannot see used (`vulture reviewer tools/vulture_whitelist.py`, run by
tests/test_architecture.py): called by Qt, Python's HTML parser, Whoosh, the action
table's dotted slots, or kept on purpose."""
# ruff: noqa
_unused = None
from reviewer.core.documents import loaders
from reviewer.core.export import memo
from reviewer.core.extract import consistency, linking, name_tokens, patterns
from reviewer.core.model import Dateline, Entity, Structure
from reviewer.core.search import bulk, codec, index, matchers
from reviewer.core.search.index import SearchIndex
from reviewer.ui.offsets import OffsetMap
from reviewer.ui import (
    controller,
    edits,
    extractor_dialog,
    library_models,
    library_pane,
    library_sync,
    main_window,
    presenter,
    team_sync,
    workers,
)

# HTMLParser callbacks
_p = loaders._TextExtractor
_p.handle_starttag, _p.handle_startendtag, _p.handle_endtag, _p.handle_data
# python-docx properties set on the memo
_props = memo.DocxDocument.core_properties
_props.last_modified_by, _props.created, _props.modified, _props.comments
# Set for sqlite3 and Qt to read
_unused.row_factory, _unused.cursor
# Whoosh calls these on the subclasses of its codec, collector, matchers and queries
codec._PostingsWriter.finish_postings, codec._PostingsWriter._write_block
codec._PostingsWriter._mini_values, codec.Codec.postings_writer, codec.Codec.postings_reader
codec.Codec.per_document_reader, codec.LeafMatcher._read_data, codec.LeafMatcher._read_values
matchers._ArrayUnionMatcher._limit
matchers._ArrayUnionMatcher._find_next, matchers.RangeIds._rewrap
matchers.PatternIds._rewrap, matchers.DocSet.is_leaf, matchers.DocSet.estimate_size
matchers.DocSetResults._results._total, bulk.Ranked._results._total
# Qt calls these: item model, delegate and widget overrides
library_models.LibraryModel.columnCount, library_models.LibraryModel.flags
library_models.FacetModel.columnCount
library_pane.SnippetDelegate.sizeHint, library_pane.SnippetDelegate.paint
main_window.MainWindow.dragEnterEvent, main_window.MainWindow.dropEvent
extractor_dialog.CurveChart.paintEvent
# Slots the action table names by dotted path (reviewer/ui/actions.py)
controller.ReviewController.open_next_unreviewed
edits.EditActions.apply_label, edits.EditActions.resize_entity
edits.EditActions.merge_selected, edits.EditActions.split_selected
edits.EditActions.change_reviewer_name
library_pane.LibraryPane.focus_search
library_sync.LibrarySync.choose_folder, library_sync.LibrarySync.fill_recent_menu
library_sync.LibrarySync.reextract_library, workers.ScanController.request_entities
main_window.MainWindow.fill_history_menu, main_window.MainWindow.show_shortcuts
main_window.MainWindow.show_library_entities
presenter.ReleasePresenter.set_label_visible, presenter.ReleasePresenter.step_mention
team_sync.TeamSync.sync_now
# Kept alive on purpose: a runnable's signals outlive the runnable
workers.ScanController._signals
# Part of the data a dateline records (offsets of its parts), kept for every reader
Dateline.date_span, Dateline.source_span
# Used by the extractor's evaluation (gold format), by tests and by the benchmarks
Entity.to_gold, Structure.is_boilerplate, SearchIndex.indexed_ids, OffsetMap.identity
main_window.MainWindow.settled, main_window.MainWindow.actions_by_id
main_window.MainWindow.history_menu, main_window.MainWindow._sheet
# Unused in the extractor today, left to the extractor's own rework (its rules,
# gazetteers and linker change there): remove each line with the name it lists.
consistency.URL_RE, linking.LinkResult.canonical_of, linking._initials
name_tokens.CHUNK_RE, patterns.WEEKDAYS
# The CRF trainer calls on_iteration; the benchmarks and the training tool read the model's
# size and score models with predict (both outside reviewer/)
from reviewer.core.extract import learned, training
training._Trainer.on_iteration, training.predict, learned.ModelInfo.trained_on
# the CRF library calls these handlers of a verbose trainer (QuietTrainer silences them)
training.QuietTrainer.on_start, training.QuietTrainer.on_featgen_progress
training.QuietTrainer.on_featgen_end, training.QuietTrainer.on_prepared
training.QuietTrainer.on_prepare_error, training.QuietTrainer.on_optimization_end
training.QuietTrainer.on_end

# logging calls a handler's handleError when a record cannot be written
from reviewer.core import logs
logs._PrivateRotatingFileHandler.handleError
