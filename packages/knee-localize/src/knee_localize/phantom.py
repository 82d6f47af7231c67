"""Synthetic bilateral PA knee radiographs with ground-truth knee boxes, written as real DICOM files.

Each radiograph places two knees (:mod:`knee_localize.anatomy`) at realistic positions: the patient's RIGHT
knee on the image's LEFT half (PA convention), about 90-110 mm either side of the midline, with small random
rotation, scale and translation. Detector signal is ``exp(-mu)`` of the summed attenuation, with exposure and
quantum noise; collimated borders are unexposed. Stored values follow what archives hold: 12-16 bits stored,
MONOCHROME2 or MONOCHROME1 (inverted), rescale slope and intercept, a VOI window, PixelSpacing and/or
ImagerPixelSpacing (sometimes neither), ImageLaterality ``B`` or absent. A share of images shows one knee
only, and a share of knees carries an implant.

Ground truth: per knee, a square box of 110 mm x scale centred on the joint (between the plateau and the
femoral condyles), in pixel coordinates, or ``present = 0`` when the knee is absent.

``PhantomConfig.realistic()`` (the ``knee-localize phantom`` default) adds domain randomisation
(:mod:`knee_localize.realism`): legs over the whole field, trabecular texture, the positioning frame's bead
column, side markers and burned-in text, film or detector imaging chains, varied fields of view (knees
off-centre and at different heights, 250-450 mm fields), 16 % single-knee images (60 % of them single-knee
AP views: a narrow field centred on the knee, the other knee cut by the border or outside), rotation up to
+-15 degrees, varus/valgus, three implant shapes, obesity, and 15 % negative images (blank fields, lateral
views -- 40 % of negatives, the view every knee series holds --, hands, chests, mid-thigh shafts) whose knees
are both absent. 15 % of its knee images are drawn plain (bare knees, no legs, texture or imaging chain: the
clean end of the randomisation, so a localizer trained on the default set also measures boxes right on the
plain phantom). The plain phantom (``PhantomConfig()``) is unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from knee_localize import realism
from knee_localize.anatomy import KneeSpec, knee_attenuation
from knee_localize.dicom_io import DicomStyle, write_dicom

BOX_MM = 110.0
SIDES = ("R", "L")
SINGLE_VIEW_SHARE = 0.6  # single-knee images drawn as single-knee AP views (see _render_realistic)


@dataclass(frozen=True)
class PhantomConfig:
    """Image geometry and the share of variants.

    Attributes:
        spacing_mm: pixel spacing range (mm per pixel); real archives: 0.1-0.2.
        width_mm: field of view width range; the height is 1.1-1.4 x the width.
        single_knee_share: images showing one knee only.
        implant_share: knees with a total knee implant.
        monochrome1_share: images stored inverted.
        no_spacing_share: images with neither spacing tag (readers must fall back and warn).
        domain_randomisation: draw the realism of :mod:`knee_localize.realism` (see the module docstring).
        no_knee_share: negative images (no PA knee: blank, lateral, hand, chest, thigh shafts).
        plain_share: with ``domain_randomisation``, knee images drawn by the plain renderer instead.
    """

    spacing_mm: tuple[float, float] = (0.12, 0.18)
    width_mm: tuple[float, float] = (330.0, 380.0)
    single_knee_share: float = 0.08
    implant_share: float = 0.04
    monochrome1_share: float = 0.3
    no_spacing_share: float = 0.0
    domain_randomisation: bool = False
    no_knee_share: float = 0.0
    plain_share: float = 0.0

    @classmethod
    def realistic(cls, spacing_mm: tuple[float, float] = (0.12, 0.18)) -> PhantomConfig:
        """The domain-randomised phantom (``knee-localize phantom``'s default)."""
        return cls(
            spacing_mm=spacing_mm,
            width_mm=(250.0, 450.0),
            single_knee_share=0.16,
            implant_share=0.08,
            domain_randomisation=True,
            no_knee_share=0.15,
            plain_share=0.15,
        )


@dataclass
class PhantomImage:
    """One radiograph: attenuation-derived display image in [0, 1] and its knees."""

    image: np.ndarray
    spacing_mm: float
    knees: dict[str, KneeSpec | None] = field(default_factory=dict)
    centres_px: dict[str, tuple[float, float]] = field(default_factory=dict)
    box_px: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)


def render_radiograph(
    rng: np.random.Generator,
    config: PhantomConfig,
    kl: dict[str, int],
    risk: dict[str, float] | None = None,
    present: dict[str, bool] | None = None,
    implant: dict[str, bool] | None = None,
) -> PhantomImage:
    """Draw one bilateral radiograph (display convention: bone bright, values in [0, 1])."""
    plain = config.plain_share > 0 and rng.random() < config.plain_share
    if config.domain_randomisation and not plain:
        return _render_realistic(rng, config, kl, risk or {}, present, implant)
    risk = risk or {}
    spacing = float(rng.uniform(*config.spacing_mm))
    width_mm = float(rng.uniform(*config.width_mm))
    height_mm = width_mm * float(rng.uniform(1.1, 1.4))
    rows, cols = round(height_mm / spacing), round(width_mm / spacing)
    mu = np.zeros((rows, cols), dtype=np.float32)
    result = PhantomImage(image=mu, spacing_mm=spacing)
    midline = cols / 2 + rng.normal(0, 8.0) / spacing
    joint_row = rows / 2 + rng.normal(0, 15.0) / spacing
    for side in SIDES:
        shown = True if present is None else present[side]
        if not shown:
            result.knees[side] = None
            continue
        spec = KneeSpec(
            kl=int(kl[side]),
            risk=float(risk.get(side, 0.0)),
            implant=bool(implant[side]) if implant else False,
            scale=float(rng.uniform(0.9, 1.1)),
            angle_deg=float(rng.normal(0, 3.0)),
        )
        offset_mm = float(rng.uniform(90.0, 110.0)) * spec.scale
        centre_c = midline + (-offset_mm if side == "R" else offset_mm) / spacing
        centre_r = joint_row + rng.normal(0, 4.0) / spacing
        _add_knee(mu, spec, side, centre_r, centre_c, spacing)
        _record_box(result, side, spec, centre_c, centre_r, spacing)
    signal = np.exp(-1.6 * mu) * float(rng.uniform(0.8, 1.2))
    signal = rng.poisson(np.clip(signal, 0, None) * 4000.0).astype(np.float32) / 4000.0
    display = 1.0 - np.clip(signal / max(float(signal.max()), 1e-6), 0.0, 1.0)
    margin = (rng.uniform(0.02, 0.06, size=4) * [rows, rows, cols, cols]).astype(int)
    display[: margin[0]] = 1.0
    display[rows - margin[1] :] = 1.0
    display[:, : margin[2]] = 1.0
    display[:, cols - margin[3] :] = 1.0
    result.image = display.astype(np.float32)
    return result


def _render_realistic(
    rng: np.random.Generator,
    config: PhantomConfig,
    kl: dict[str, int],
    risk: dict[str, float],
    present: dict[str, bool] | None,
    implant: dict[str, bool] | None,
) -> PhantomImage:
    """The domain-randomised radiograph (:mod:`knee_localize.realism`).

    A single-knee image is, with p = ``SINGLE_VIEW_SHARE``, a single-knee AP view: a 180-300 mm field
    centred on the kept knee, the other knee 100-250 mm beside it (knees together to apart), drawn where it
    falls -- cut by the border (present while its joint centre is inside the image) or outside the field
    (absent).
    """
    spacing = float(rng.uniform(*config.spacing_mm))
    kept = [side for side in SIDES if present is None or present[side]]
    single_view = len(kept) == 1 and rng.random() < SINGLE_VIEW_SHARE
    width_mm = float(rng.uniform(180.0, 300.0) if single_view else rng.uniform(*config.width_mm))
    height_mm = width_mm * float(rng.uniform(0.9, 1.5))
    rows, cols = round(height_mm / spacing), round(width_mm / spacing)
    mu = np.zeros((rows, cols), dtype=np.float32)
    result = PhantomImage(image=mu, spacing_mm=spacing)
    midline = cols / 2 + rng.uniform(-0.15, 0.15) * width_mm / spacing
    joint_row = rng.uniform(0.3, 0.7) * rows
    legs = []
    margin = 30.0 / spacing
    if single_view:  # the kept knee near the centre, the other one a knee separation beside it
        centred = cols / 2 + rng.normal(0.0, 15.0) / spacing
        beside = float(rng.uniform(100.0, 250.0)) / spacing * (1 if kept[0] == "R" else -1)
        single_columns = {kept[0]: centred, "L" if kept[0] == "R" else "R": centred + beside}
    for side in SIDES:
        if present is not None and not present[side] and not single_view:
            result.knees[side] = None
            continue
        spec = KneeSpec(
            kl=int(kl[side]),
            risk=float(risk.get(side, 0.0)),
            implant=bool(implant[side]) if implant else False,
            scale=float(rng.uniform(0.85, 1.15)),
            angle_deg=float(rng.uniform(-15.0, 15.0)),
            varus_deg=float(np.clip(rng.normal(0, 3.0), -8, 8)),
            implant_kind=int(rng.integers(3)),
            flexion_deg=float(rng.uniform(0.0, 25.0)) if rng.random() < 0.7 else 0.0,
            patella=float(rng.uniform(0.15, 0.6)),
            patella_mm=float(rng.uniform(22.0, 45.0)),
        )
        offset_mm = float(rng.uniform(80.0, 125.0)) * spec.scale
        centre_c = float(
            single_columns[side]
            if single_view
            else np.clip(
                midline + (-offset_mm if side == "R" else offset_mm) / spacing,
                margin,
                cols - margin,
            )
        )
        centre_r = float(np.clip(joint_row + rng.normal(0, 8.0) / spacing, margin, rows - margin))
        _add_knee(mu, spec, side, centre_r, centre_c, spacing)
        legs.append((centre_c, centre_r, spec.angle_deg))
        _record_box(result, side, spec, centre_c, centre_r, spacing)
        if not 0 <= result.centres_px[side][0] < cols:  # a knee outside the field is absent
            result.knees[side] = None
            del result.centres_px[side], result.box_px[side]
    realism.add_legs(mu, legs, spacing, float(rng.uniform(1.0, 1.6)), rng)
    realism.add_trabecular_texture(mu, spacing, rng)
    if rng.random() < 0.5 and len(legs) == 2 and not single_view:
        realism.add_positioning_frame(mu, (legs[0][0] + legs[1][0]) / 2, spacing, rng)
    for _ in range(int(rng.integers(0, 3))):
        realism.add_side_marker(mu, spacing, rng)
    result.image = _expose(mu, spacing, rng)
    return result


def render_negative(
    rng: np.random.Generator, config: PhantomConfig, kind: str | None = None
) -> PhantomImage:
    """A radiograph without a PA knee (``kind`` from :data:`knee_localize.realism.NEGATIVE_KINDS`)."""
    spacing = float(rng.uniform(*config.spacing_mm))
    width_mm = float(rng.uniform(*config.width_mm))
    rows, cols = round(width_mm * float(rng.uniform(0.9, 1.5)) / spacing), round(width_mm / spacing)
    kind = kind or str(rng.choice(realism.NEGATIVE_KINDS, p=realism.NEGATIVE_WEIGHTS))
    mu = realism.negative_attenuation(kind, (rows, cols), spacing, rng)
    if kind != "blank":
        realism.add_trabecular_texture(mu, spacing, rng)
    for _ in range(int(rng.integers(0, 2))):
        realism.add_side_marker(mu, spacing, rng)
    return PhantomImage(
        image=_expose(mu, spacing, rng), spacing_mm=spacing, knees={"R": None, "L": None}
    )


def _record_box(
    result: PhantomImage,
    side: str,
    spec: KneeSpec,
    centre_c: float,
    centre_r: float,
    spacing: float,
) -> None:
    """The ground-truth joint centre and box of one knee (mid joint space, along the knee's rotation)."""
    jsw = (spec.medial_jsw + spec.lateral_jsw) / 4.0 * spec.scale
    theta = math.radians(spec.angle_deg)
    joint_c = centre_c + math.sin(theta) * -jsw / spacing
    joint_r = centre_r - math.cos(theta) * jsw / spacing
    half = BOX_MM * spec.scale / 2.0 / spacing
    result.knees[side] = spec
    result.centres_px[side] = (joint_c, joint_r)
    result.box_px[side] = (joint_c - half, joint_r - half, joint_c + half, joint_r + half)


def _expose(mu: np.ndarray, spacing: float, rng: np.random.Generator) -> np.ndarray:
    """Attenuation -> display through a random imaging chain, collimation and burned-in text."""
    rows, cols = mu.shape
    signal = np.exp(-1.6 * mu) * float(rng.uniform(0.8, 1.2))
    signal = rng.poisson(np.clip(signal, 0, None) * float(rng.uniform(1000, 8000))).astype(
        np.float32
    )
    display = realism.film_and_detector(signal, spacing, rng)
    if rng.random() < 0.7:
        margin = (rng.uniform(0.0, 0.08, size=4) * [rows, rows, cols, cols]).astype(int)
        level = float(rng.uniform(0.8, 1.0))
        display[: margin[0]] = level
        display[rows - margin[1] :] = level
        display[:, : margin[2]] = level
        display[:, cols - margin[3] :] = level
    if rng.random() < 0.6:
        realism.burn_in_text(display, spacing, rng)
    return display.astype(np.float32)


def _add_knee(
    mu: np.ndarray, spec: KneeSpec, side: str, row: float, col: float, spacing: float
) -> None:
    """Add one knee's attenuation into ``mu`` around (row, col), only within its reach (speed)."""
    reach = 170.0 * spec.scale / spacing
    r0, r1 = max(0, int(row - 2.2 * reach)), min(mu.shape[0], int(row + 2.2 * reach))
    c0, c1 = max(0, int(col - reach)), min(mu.shape[1], int(col + reach))
    rr, cc = np.mgrid[r0:r1, c0:c1].astype(np.float32)
    dy, dx = (rr - row) * spacing, (cc - col) * spacing
    theta = math.radians(spec.angle_deg)
    local_x = math.cos(theta) * dx + math.sin(theta) * dy
    local_y = -math.sin(theta) * dx + math.cos(theta) * dy
    if side == "L":  # medial is towards the midline: image-left for the left knee (right half)
        local_x = -local_x
    mu[r0:r1, c0:c1] += knee_attenuation(local_x, local_y, spec)


def write_phantom_set(
    n: int, seed: int, out: Path, config: PhantomConfig | None = None
) -> pd.DataFrame:
    """Write ``n`` phantom DICOMs into ``out`` and ``out/boxes.csv``; return the box table.

    ``boxes.csv``: one row per knee: ``image, side, present, x1, y1, x2, y2, kl, risk, implant,
    spacing_mm, photometric`` (pixel coordinates; empty box when absent).
    """
    config = config or PhantomConfig()
    rng = np.random.default_rng(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for index in range(n):
        negative = config.no_knee_share > 0 and rng.random() < config.no_knee_share
        single = rng.random() < config.single_knee_share
        present = {"R": True, "L": True}
        if single:
            present[str(rng.choice(SIDES))] = False
        kl = {side: int(rng.choice(5, p=[0.35, 0.2, 0.25, 0.14, 0.06])) for side in SIDES}
        risk = {side: float(rng.normal()) for side in SIDES}
        implant = {side: bool(rng.random() < config.implant_share) for side in SIDES}
        image = (
            render_negative(rng, config)
            if negative
            else render_radiograph(rng, config, kl, risk, present, implant)
        )
        style = DicomStyle.random(rng, config.monochrome1_share, config.no_spacing_share)
        name = f"phantom_{seed}_{index:05d}.dcm"
        write_dicom(
            out / name,
            image.image,
            image.spacing_mm,
            style,
            patient_id=f"PHANTOM{seed:04d}{index:05d}",
        )
        for side in SIDES:
            spec = image.knees.get(side)
            box = image.box_px.get(side, (np.nan,) * 4)
            rows.append(
                {
                    "image": name,
                    "side": side,
                    "present": int(spec is not None),
                    "x1": box[0],
                    "y1": box[1],
                    "x2": box[2],
                    "y2": box[3],
                    "kl": spec.kl if spec else pd.NA,
                    "risk": risk[side] if spec else np.nan,
                    "implant": int(spec.implant) if spec else 0,
                    "spacing_mm": image.spacing_mm,
                    "photometric": style.photometric,
                }
            )
    table = pd.DataFrame(rows)
    table.to_csv(out / "boxes.csv", index=False, float_format="%.5f")
    return table
