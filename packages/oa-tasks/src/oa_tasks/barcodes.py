"""OAI X-ray barcodes as 12-digit text.

OAI barcodes (``V{vv}BARCDBU`` in the KL files, ``Barcode`` in the image ``contents.csv``) are 12-digit
strings starting ``0166``. The ASCII release writes them as text, but a SAS release stores them as numbers
(``166012345678.0``) and spreadsheet exports drop the leading zero, so every reader normalises them with
:func:`normalise_barcodes` before they are compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BARCODE_DIGITS = 12


def normalise_barcodes(column: pd.Series) -> pd.Series:
    """Return barcodes as zero-padded 12-digit strings; ``""`` where absent.

    Numbers (SAS) are formatted as integers; text of digits (optionally with a trailing ``.0``) is
    zero-padded on the left; other text (a SAS missing code such as ``".A"``) becomes ``""``.
    """
    if pd.api.types.is_numeric_dtype(column.dtype):
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        text = ["" if np.isnan(v) else f"{round(v):0{BARCODE_DIGITS}d}" for v in values.tolist()]
        return pd.Series(text, index=column.index, dtype=object)
    raw = column.astype(object).where(column.notna(), "").astype(str).str.strip()
    digits = raw.str.replace(r"\.0+$", "", regex=True)
    is_number = digits.str.fullmatch(r"\d+")
    padded = digits.str.zfill(BARCODE_DIGITS)
    return padded.where(is_number, "").astype(object)
