"""Synthetic order books with labelled diversion typologies, and the matching fictional
restricted-party list (for the demo, tests and evaluation)."""

from detectors.synthetic.generator import LABEL_COLUMNS, SyntheticData, generate
from detectors.synthetic.orders import OUTPUT_COLUMNS
from detectors.synthetic.params import PROFILES, TYPOLOGIES, GeneratorParams
from detectors.synthetic.writers import CSL_COLUMNS, write_csl_csv, write_labels, write_transactions

__all__ = [
    "CSL_COLUMNS",
    "LABEL_COLUMNS",
    "OUTPUT_COLUMNS",
    "PROFILES",
    "TYPOLOGIES",
    "GeneratorParams",
    "SyntheticData",
    "generate",
    "write_csl_csv",
    "write_labels",
    "write_transactions",
]
