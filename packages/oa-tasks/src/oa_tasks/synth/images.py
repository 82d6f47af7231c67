"""Image index files of the synthetic cohorts, in the layouts :mod:`oa_tasks.image_index` reads.

Written for every participant and visit that has a row in the KL file (an X-ray was taken and read or
coded). The DICOM files themselves are not written here: the radiograph phantom renders them later at
exactly these paths (relative to ``<out>/images``).

- OAI: ``images/<release>/contents.csv`` per X-ray visit, releases named like the OAI downloads
  (:data:`OAI_RELEASES`); every participant-visit has a ``Bilateral PA Fixed Flexion Knee`` series (its
  ``Barcode`` is the KL file's ``V{vv}BARCDBU``) and about 15 % also a lateral knee series, which the
  reader skips.
- MOST: ``images/most_image_index.csv`` with a ``PA10`` view for every participant-visit and a ``PA05`` or
  ``PA15`` repeat for about 20 %; paths ``<MOSTID>/V<v>/<VIEW>.dcm``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from oa_tasks.image_index import MOST_INDEX_FILE, OAI_BILATERAL_PA, OAI_CONTENTS_FILE
from oa_tasks.synth.files import write_delimited

IMAGES_FOLDER = "images"
#: OAI image release per X-ray visit code (the number before the first dot is the visit).
OAI_RELEASES: dict[str, str] = {
    "00": "0.C.2",
    "01": "1.C.2",
    "03": "3.C.2",
    "05": "5.C.1",
    "06": "6.C.1",
    "08": "8.C.1",
    "10": "10.C.1",
}
OAI_LATERAL = "Lateral Knee (right)"
_FIRST_ENROLMENT = np.datetime64("2004-02-01")


def write_oai_contents(
    visits: pd.DataFrame, ids: np.ndarray, visit_codes: dict[int, str], seed: int, out: Path
) -> list[Path]:
    """Write one ``contents.csv`` per X-ray visit.

    Args:
        visits: ``participant_index, visit_month, barcode`` per participant-visit with an X-ray.
        ids: participant IDs by index.
        visit_codes: visit month -> OAI visit code.
        seed: the cohort seed.
        out: the cohort folder (files go to ``out/images/<release>/contents.csv``).
    """
    rng = np.random.default_rng([seed, 11])
    enrolled = _FIRST_ENROLMENT + rng.integers(0, 900, len(ids)).astype("timedelta64[D]")
    person = visits["participant_index"].to_numpy()
    month = visits["visit_month"].to_numpy()
    offset = np.round(month * 30.44).astype(int) + rng.integers(-20, 21, len(visits)) * (month > 0)
    dates = pd.to_datetime(enrolled[person] + offset.astype("timedelta64[D]")).strftime("%Y%m%d")
    lateral = rng.random(len(visits)) < 0.15
    paths = []
    for visit_month, code in visit_codes.items():
        release = OAI_RELEASES[code]
        at = month == visit_month
        if not at.any():
            continue
        series = 10_000_000 + 16 * person[at] + list(visit_codes).index(visit_month)
        rows = pd.DataFrame(
            {
                "Folder": [
                    f"{release}/{ids[p]}/{d}/{s:08d}"
                    for p, d, s in zip(person[at], dates[at], series, strict=True)
                ],
                "ParticipantID": ids[person[at]],
                "StudyDate": dates[at],
                "Barcode": visits["barcode"].to_numpy()[at],
                "StudyDescription": f"OAI^XR^{code}",
                "SeriesDescription": OAI_BILATERAL_PA,
            }
        )
        extra = rows[lateral[at]].assign(
            Folder=lambda f: f["Folder"].str[:-1] + "9", SeriesDescription=OAI_LATERAL
        )
        table = pd.concat([rows, extra]).sort_values("Folder")
        path = out / IMAGES_FOLDER / release / OAI_CONTENTS_FILE
        paths.append(write_delimited(table, path, ","))
    return paths


def write_most_index(
    visits: pd.DataFrame, ids: np.ndarray, visit_codes: dict[int, str], seed: int, out: Path
) -> Path:
    """Write ``out/images/most_image_index.csv`` (``MOSTID, VISIT, VIEW, PATH``).

    Args:
        visits: ``participant_index, visit_month`` per participant-visit with an X-ray.
        ids: MOSTIDs by index.
        visit_codes: visit month -> MOST visit index.
        seed: the cohort seed.
        out: the cohort folder.
    """
    rng = np.random.default_rng([seed, 12])
    mostid = ids[visits["participant_index"].to_numpy()]
    visit = visits["visit_month"].map(visit_codes).to_numpy()
    repeat = rng.random(len(visits)) < 0.2
    other_view = rng.choice(["PA05", "PA15"], len(visits))
    views = pd.concat(
        [
            pd.DataFrame({"MOSTID": mostid, "VISIT": visit, "VIEW": "PA10"}),
            pd.DataFrame({"MOSTID": mostid, "VISIT": visit, "VIEW": other_view})[repeat],
        ]
    )
    views["PATH"] = views["MOSTID"] + "/V" + views["VISIT"] + "/" + views["VIEW"] + ".dcm"
    table = views.sort_values(["MOSTID", "VISIT", "VIEW"])
    return write_delimited(table, out / IMAGES_FOLDER / MOST_INDEX_FILE, ",")
