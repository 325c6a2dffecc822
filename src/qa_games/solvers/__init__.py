"""Layer 3, solvers: equilibria of games and models.

Exact Nash equilibria of numeric games (:mod:`.solve`, over :mod:`.vertex_enumeration`,
:mod:`.pure` and the nashpy bridge :mod:`.nashpy_bridge`), batched solving of stacks of
bimatrix games (:mod:`.batch`, kernels :mod:`.batch_2x2`, :mod:`.batch_support`), the
symbolic equilibrium map of a model (:mod:`.eqmap`, :mod:`.eqmap_evaluation`,
:mod:`.box_signs`), equilibrium selection (:mod:`.selection`) and backward induction in
sequential models (:mod:`.backward_induction`).

Imports: :mod:`qa_games.modelfiles` and :mod:`qa_games.games`, nothing above.
"""
