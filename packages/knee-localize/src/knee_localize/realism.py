"""What a real bilateral PA knee radiograph has and the plain phantom lacks (domain randomisation).

Looking at real radiographs (an OAI fixed-flexion image, a digital single-knee AP series), the plain phantom
lacks: legs (thigh and calf soft tissue over the whole field, wider in obese patients, with smooth elliptical
edges), trabecular texture in bone, the positioning frame (a plexiglass bar with a column of metal beads
between the knees in OAI's fixed-flexion protocol), lead side markers and burned-in text, tilted or absent
collimation, film digitisation (a non-linear response, grain, vignetting) and detector noise, global
gamma/contrast/blur/sharpening, varied fields of view (knees off-centre, at different heights, thigh and
shin lengths), larger rotations, and negative images (no knee, other anatomy, lateral views).

Attenuation-domain additions (before ``exp(-mu)``): :func:`add_legs`, :func:`add_trabecular_texture`,
:func:`add_positioning_frame`, :func:`add_side_marker`. Display-domain additions (``[H, W]`` in [0, 1], bone
bright): :func:`film_and_detector`, :func:`burn_in_text`. Negative scenes: :func:`negative_attenuation`.
All draws come from the ``rng`` given, so a seed fixes the image.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from knee_localize.anatomy import BONE, CORTEX, METAL, SOFT, chord
from knee_localize.lateral_view import lateral_knee_attenuation

NEGATIVE_KINDS = ("blank", "lateral", "hand", "chest", "shafts")
#: How often each negative is drawn: the lateral view, which every knee series holds, most often.
NEGATIVE_WEIGHTS = (0.15, 0.4, 0.15, 0.15, 0.15)


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cell_px: float) -> np.ndarray:
    """Zero-mean, unit-variance noise with features about ``cell_px`` pixels wide (bicubic upsampling)."""
    rows, cols = shape
    small = (max(2, round(rows / max(cell_px, 1.0))), max(2, round(cols / max(cell_px, 1.0))))
    noise = rng.standard_normal(small).astype(np.float32)
    image = Image.fromarray(noise, mode="F").resize((cols, rows), Image.Resampling.BICUBIC)
    out = np.asarray(image, dtype=np.float32)
    return (out - out.mean()) / max(float(out.std()), 1e-6)


def box_blur(image: np.ndarray, radius: int) -> np.ndarray:
    """Separable box blur of ``[H, W]`` with a ``2 radius + 1`` window (edges replicated)."""
    if radius < 1:
        return image
    out = image.astype(np.float32)
    for axis in (0, 1):
        padded = np.pad(
            out, [(radius, radius) if a == axis else (0, 0) for a in (0, 1)], mode="edge"
        )
        cumulative = np.cumsum(padded, axis=axis, dtype=np.float64)
        cumulative = np.concatenate(
            [np.zeros_like(np.take(cumulative, [0], axis=axis)), cumulative], axis=axis
        )
        size = 2 * radius + 1
        upper = np.take(cumulative, np.arange(size, cumulative.shape[axis]), axis=axis)
        lower = np.take(cumulative, np.arange(0, cumulative.shape[axis] - size), axis=axis)
        out = ((upper - lower) / size).astype(np.float32)
    return out


def add_legs(
    mu: np.ndarray,
    knees: list[tuple[float, float, float]],
    spacing: float,
    obesity: float,
    rng: np.random.Generator,
) -> None:
    """Add thigh and calf soft tissue over the whole height for each knee ``(col, row, angle_deg)``.

    Thickness follows an ellipse across the leg, ``t(d) = sqrt(1 - (d / w)^2)`` with half-width ``w``
    of 70-90 mm (thigh) blending into 45-60 mm (knee and calf) over a sigmoid whose middle lies 15-110 mm
    ABOVE the joint (drawn per image: real thighs taper well above the joint line, and a transition always
    at the joint would teach the network to find the soft-tissue step instead of the bones), a calf belly
    of up to 15 mm more half-width 60-140 mm below the joint, widths times ``obesity``
    (1-1.6) and attenuation times its square root and a depth factor of 1-1.8 (drawn per image, thigh
    x 1.3 above the joint): a thigh is thicker than the femur by far, so on real films the legs are
    nearly as bright as the bone and the bones stand out weakly.
    """
    rows, cols = mu.shape
    rr = np.arange(rows, dtype=np.float32)[:, None]
    cc = np.arange(cols, dtype=np.float32)[None, :]
    thigh, calf = rng.uniform(70, 90) * obesity, rng.uniform(45, 60) * obesity
    depth = rng.uniform(1.0, 1.8)
    step_mm, step_scale = rng.uniform(-110.0, -15.0), rng.uniform(15.0, 40.0)
    belly, belly_mm = rng.uniform(0.0, 15.0) * obesity, rng.uniform(60.0, 140.0)
    for col, row, angle in knees:
        tilt = math.tan(math.radians(angle))
        centre = col + (rr - row) * tilt  # the leg's axis follows the knee's rotation
        dy_mm = (rr - row) * spacing
        above = 1.0 / (1.0 + np.exp((dy_mm - step_mm) / step_scale))  # 1 on the thigh, 0 below
        half = (
            calf
            + (thigh - calf) * above
            + 0.05 * np.clip(-dy_mm, 0, 300)
            + belly * np.exp(-(((dy_mm - belly_mm) / 50.0) ** 2))
        )
        d = np.abs(cc - centre) * spacing / half
        thickness = 0.55 * depth * (1.0 + 0.3 * above) * math.sqrt(obesity)
        mu += thickness * chord(d, 1.0)


def add_trabecular_texture(mu: np.ndarray, spacing: float, rng: np.random.Generator) -> None:
    """Modulate bone (``mu`` above soft-tissue level) by band-pass noise of 1-3 mm features (in place)."""
    fine = _smooth_noise(rng, mu.shape, rng.uniform(1.0, 2.0) / spacing)
    coarse = _smooth_noise(rng, mu.shape, 6.0 / spacing)
    bone = np.clip((mu - 0.45) / 0.3, 0.0, 1.0)
    mu += bone * (rng.uniform(0.04, 0.10) * fine + 0.03 * coarse)


def add_positioning_frame(
    mu: np.ndarray, col: float, spacing: float, rng: np.random.Generator
) -> None:
    """A plexiglass bar with a column of metal beads at column ``col`` (OAI fixed-flexion frame)."""
    rows, cols = mu.shape
    half = rng.uniform(4.0, 7.0) / spacing
    c0, c1 = max(0, int(col - half)), min(cols, int(col + half) + 1)
    top = int(rng.uniform(0.0, 0.3) * rows)
    bottom = int(rng.uniform(0.6, 1.0) * rows)
    mu[top:bottom, c0:c1] += 0.12
    step = rng.uniform(9.0, 13.0) / spacing
    radius = rng.uniform(0.8, 1.6) / spacing
    rr, cc = np.ogrid[:rows, :cols]
    for row in np.arange(top + step / 2, bottom, step):
        bead_col = col + rng.choice([-1, 1]) * half * 0.5
        box = np.s_[
            max(0, int(row - radius - 1)) : int(row + radius + 2),
            max(0, int(bead_col - radius - 1)) : int(bead_col + radius + 2),
        ]
        mu[box] += METAL * (
            ((rr[box[0]] - row) ** 2 + (cc[:, box[1]] - bead_col) ** 2) <= radius**2
        )


def _text_mask(text: str, height_px: int) -> np.ndarray:
    font = ImageFont.load_default()
    left, top, right, bottom = font.getbbox(text)
    canvas = Image.new("L", (right - left + 2, bottom - top + 2), 0)
    ImageDraw.Draw(canvas).text((1 - left, 1 - top), text, fill=255, font=font)
    scale = max(1, height_px) / canvas.height
    canvas = canvas.resize(
        (max(1, round(canvas.width * scale)), max(1, round(canvas.height * scale))),
        Image.Resampling.NEAREST,
    )
    return np.asarray(canvas, dtype=np.float32) / 255.0


def add_side_marker(mu: np.ndarray, spacing: float, rng: np.random.Generator) -> None:
    """A lead letter (``R``, ``L``, ``RT``, ``LT``...) on a plastic tab near an outer edge, in attenuation."""
    text = str(rng.choice(["R", "L", "RT", "LT", "Right", "Left", "PA"]))
    mask = _text_mask(text, round(rng.uniform(8.0, 16.0) / spacing))
    if rng.random() < 0.5:
        mask = np.rot90(mask, int(rng.integers(1, 4)))
    _paste(mu, mask * METAL * 0.8 + 0.05, rng)


def burn_in_text(display: np.ndarray, spacing: float, rng: np.random.Generator) -> None:
    """Annotation overlays in the corners (bright text, as scanners burn it in), in place."""
    for _ in range(int(rng.integers(1, 5))):
        words = rng.choice(
            [
                "KNEE PA",
                "BILAT",
                "STANDING",
                "kVp 60",
                "mAs 8",
                "WL 2048",
                "SPINE",
                "SYNAFLEXER",
                "12/03/2004",
                "AP",
                "ID 000000",
                "S 400",
            ],
            size=int(rng.integers(1, 3)),
        )
        mask = _text_mask(" ".join(str(w) for w in words), round(rng.uniform(3.0, 7.0) / spacing))
        corner_rows = (
            (0, display.shape[0] - mask.shape[0]) if mask.shape[0] < display.shape[0] else (0, 0)
        )
        row = int(rng.choice(corner_rows)) + int(rng.integers(0, max(1, display.shape[0] // 10)))
        col = int(rng.choice([0, max(0, display.shape[1] - mask.shape[1])]))
        region = display[row : row + mask.shape[0], col : col + mask.shape[1]]
        mask = mask[: region.shape[0], : region.shape[1]]
        region[:] = np.maximum(region, mask * rng.uniform(0.8, 1.0))


def _paste(mu: np.ndarray, patch: np.ndarray, rng: np.random.Generator) -> None:
    rows, cols = mu.shape
    if patch.shape[0] >= rows or patch.shape[1] >= cols:
        return
    row = int(rng.integers(0, rows - patch.shape[0]))
    col = int(
        rng.choice(
            [rng.integers(0, max(1, cols // 6)), rng.integers(cols * 5 // 6, cols - patch.shape[1])]
        )
    )
    mu[row : row + patch.shape[0], col : col + patch.shape[1]] += patch


def film_and_detector(signal: np.ndarray, spacing: float, rng: np.random.Generator) -> np.ndarray:
    """Signal (exposure, ``[H, W]`` >= 0) -> display in [0, 1] (bone bright) through a random imaging chain.

    Vignetting ``1 - v r^2``; detector read noise; film (p = 0.4): a sigmoid characteristic curve on log
    exposure and grain; then a random gamma (0.5-2), contrast, blur (p = 0.3) or unsharp-mask sharpening
    (p = 0.3).
    """
    rows, cols = signal.shape
    yy, xx = np.ogrid[:rows, :cols]
    r2 = ((yy - rng.uniform(0.3, 0.7) * rows) / rows) ** 2 + (
        (xx - rng.uniform(0.3, 0.7) * cols) / cols
    ) ** 2
    signal = signal * (1.0 - rng.uniform(0.0, 0.6) * r2)
    density = -np.log(
        np.clip(signal / max(float(signal.max()), 1e-6), 1e-4, 1.0)
    )  # ~ attenuation seen
    if rng.random() < 0.4:  # film: H&D curve on log exposure, then grain
        middle, steep = rng.uniform(0.8, 1.6), rng.uniform(1.5, 4.0)
        display = 1.0 / (1.0 + np.exp(-steep * (density - middle)))
        display += rng.uniform(0.005, 0.03) * _smooth_noise(
            rng, signal.shape, rng.uniform(1.0, 2.5)
        )
    else:
        display = density / max(float(np.percentile(density, 99.5)), 1e-6)
        display += rng.uniform(0.0, 0.02) * rng.standard_normal(signal.shape).astype(np.float32)
    display = np.clip(display, 0.0, 1.0) ** rng.uniform(0.5, 2.0)
    display = (display - display.mean()) * rng.uniform(0.7, 1.3) + display.mean()
    draw = rng.random()
    radius = max(1, round(rng.uniform(0.3, 1.2) / spacing))
    if draw < 0.3:
        display = box_blur(display, radius)
    elif draw < 0.6:
        display = display + rng.uniform(0.3, 1.5) * (display - box_blur(display, radius))
    return np.clip(display, 0.0, 1.0).astype(np.float32)


def negative_attenuation(
    kind: str, shape: tuple[int, int], spacing: float, rng: np.random.Generator
) -> np.ndarray:
    """Attenuation of a scene without a PA knee.

    ``blank``, ``lateral`` (a lateral knee view, :mod:`knee_localize.lateral_view`), ``hand``, ``chest``
    (ribs and spine) or ``shafts`` (mid-thigh: two femoral shafts, no joint).
    """
    rows, cols = shape
    mu = np.zeros(shape, dtype=np.float32)
    yy, xx = np.mgrid[:rows, :cols].astype(np.float32)
    y, x = (yy - rows / 2) * spacing, (xx - cols / 2) * spacing
    if kind == "blank":
        mu += rng.uniform(0.0, 0.3) * (1 + 0.1 * _smooth_noise(rng, shape, 40 / spacing))
    elif kind == "lateral":
        mu += lateral_knee_attenuation(x, y, rng)
    elif kind == "hand":
        mu += SOFT * (((x / 60.0) ** 2 + ((y - 40) / 80.0) ** 2) <= 1)
        for finger in range(5):
            angle = math.radians(-30 + 15 * finger)
            fx, fy = x - (-40 + 20 * finger), y + 20
            along = math.cos(angle) * fy + math.sin(angle) * fx
            across = -math.sin(angle) * fy + math.cos(angle) * fx
            mu += (SOFT + BONE * 0.8) * (
                (np.abs(across) <= 6) & (along <= 0) & (along >= -90 + 10 * abs(finger - 2))
            )
            mu += BONE * ((np.abs(across) <= 5) & (along > 0) & (along <= 70))
    elif kind == "chest":
        mu += SOFT * 1.5 * (np.abs(x) <= 160)
        mu += BONE * (np.abs(x) <= 14)
        for rib in range(-6, 7):
            arc = (np.abs(np.abs(x) - 80) / 80.0) ** 2 * 30 + rib * 24
            mu += CORTEX * ((np.abs(y - arc) <= 4) & (np.abs(x) > 15) & (np.abs(x) < 150))
    else:  # "shafts": two thighs with femoral shafts, no joint in the field
        for side in (-1, 1):
            xs = x - side * rng.uniform(80, 110)
            mu += SOFT * 1.5 * chord(xs, 85.0)
            mu += BONE * (np.abs(xs) <= 14) + CORTEX * ((np.abs(xs) <= 14) & (np.abs(xs) > 9))
    return mu
