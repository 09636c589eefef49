"""The missing value of a generated column: `None`, as a 0-d object array so that
`np.where(mask, MISSING, values)` is typed (NumPy's stubs take no bare `None` there) and
gives the same object array as `None` does."""

from __future__ import annotations

import numpy as np

MISSING: np.ndarray = np.array(None, dtype=object)
