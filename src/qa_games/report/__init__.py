"""Layer 7, report: the theory-comparison report as a document.

The report itself (:mod:`.document`: ``index.md``, ``index.html``, tables and figures),
its figures that are not sweeps (:mod:`.figures`), its derived tables (:mod:`.tables`)
and a small Markdown-to-HTML renderer (:mod:`.html`).

Imports: :mod:`qa_games.compare` and everything below it.
"""
