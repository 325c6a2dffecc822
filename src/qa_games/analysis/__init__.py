"""Layer 4, analysis: comparative statics of a model.

Grids of parameter points (:mod:`.grid`), sweeps that solve a model at every point
(:mod:`.sweep`, outcome columns :mod:`.outcomes`, resumable chunks :mod:`.checkpoint`),
symbolic comparative statics (:mod:`.statics`) over the exact decision procedure for
polynomial sentences (:mod:`.decide`), tables for papers (:mod:`.export`) and figures
of sweeps (:mod:`.plots`).

Imports: :mod:`qa_games.solvers`, :mod:`qa_games.modelfiles`, :mod:`qa_games.games`.
"""
