"""The empirical record: alliance data, the quasi-alliance panel, measures and estimates.

This layer confronts the models with the historical record (``empirics.md``): the
bundled, derived ATOP / COW / NMC / CShapes / rivalry / MID tables (:mod:`.data`, sources
and derivation in ``data/README.md``), the quasi-alliance panel of pairs that share a
patron but are not allied (:mod:`.panel`), each theory's parameters measured on it
(:mod:`.measures`), the reduced-form logit (:mod:`.reduced_form`) and the counts and
case tables (:mod:`.summary`). It may import compare (the hand-coded cases), verify,
analysis, solvers, modelfiles and games; never report or cli.
"""

from .data import KINDS, RecordData, data_dir, data_hashes, load_record_data
from .measures import (
    COMMITMENT_PROXIES,
    THREAT_SOURCES,
    cha_parameters,
    measured_panel,
    patron_commitment,
    threat_components,
    threat_index,
    threatening_state,
)
from .panel import ERAS, OUTCOMES, REGIONS, RIVALRIES, quasi_alliance_panel
from .reduced_form import PREDICTIONS, Estimate, ReducedForm, reduced_form
from .summary import (
    CountsTable,
    RecordSummary,
    case_rows,
    case_years,
    counts_table,
    record_summary,
)

__all__ = [
    "RecordData",
    "load_record_data",
    "data_dir",
    "data_hashes",
    "KINDS",
    "quasi_alliance_panel",
    "OUTCOMES",
    "REGIONS",
    "RIVALRIES",
    "ERAS",
    "threatening_state",
    "threat_components",
    "threat_index",
    "patron_commitment",
    "cha_parameters",
    "measured_panel",
    "COMMITMENT_PROXIES",
    "THREAT_SOURCES",
    "reduced_form",
    "ReducedForm",
    "Estimate",
    "PREDICTIONS",
    "counts_table",
    "CountsTable",
    "case_rows",
    "case_years",
    "record_summary",
    "RecordSummary",
]
