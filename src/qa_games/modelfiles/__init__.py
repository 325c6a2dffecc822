"""Layer 2, model files: reading a theory's model from its TOML file.

Where model files are and how they are read safely (:mod:`.files`), normal-form
models (:mod:`.normal_form`), sequential models (:mod:`.sequential`), propositions as
data (:mod:`.propositions`, :mod:`.leader_propositions`), scenario mappings shared by
the theories (:mod:`.scenario`), and the loader that dispatches on a file's kind
(:mod:`.loader`), which sits above both kinds.

Imports: :mod:`qa_games.games` (and the error family), nothing above.
"""
