"""Layer 1, games: what a game is.

Numeric and symbolic normal-form games (:mod:`.normal_form`), parameters and their
domains (:mod:`.parameter`), the whitelist parser of model-file expressions
(:mod:`.expressions`), evaluation of symbolic payoffs on arrays of points
(:mod:`.vectorize`) and Gambit's ``.nfg`` files (:mod:`.nfg`).

Imports: only :mod:`qa_games.errors` and :mod:`qa_games.version` from the package.
"""
