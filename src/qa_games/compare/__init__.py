"""Layer 6, compare: theories side by side.

The same scenarios put to each theory's model, with the regions where they disagree
(:mod:`.theories`), and historical cases coded from published accounts and
retrodicted by each theory (:mod:`.cases`).

Imports: :mod:`qa_games.verify` and everything below it.
"""
