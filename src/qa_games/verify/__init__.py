"""Layer 5, verify: a theory's propositions proved, or refuted by a counterexample.

Verdicts per proposition (:mod:`.verdicts`) from two independent routes: a seeded
counterexample search at exact points (:mod:`.search`, drawing with the hypothesis
strategies of :mod:`.strategies`, public as :mod:`qa_games.testing`) and a symbolic
proof (:mod:`.prover`, and :mod:`.leader` for sequential models); proofs written as
Markdown files (:mod:`.proofs`).

Imports: :mod:`qa_games.analysis` and everything below it.
"""
