"""A lateral knee radiograph's attenuation: the negative that real knee series hold most often.

PACS exports of a knee study hold the lateral view beside the PA one, and a localizer trained on crude
laterals (a round condyle on a straight bar) took a real lateral for a knee. This scene is drawn as a real
lateral looks:

- the femur: a tubular shaft (cortex brighter at its edges: the projected chord of a hollow cylinder),
  flaring over 45 mm into the condyles, which a lateral view shows as two overlapping rounded outlines
  (medial and lateral, 2-6 mm apart: the "double contour") posterior to the shaft axis;
- the patella in front of the condyles, lower with flexion;
- the tibia, turned by the flexion (0-60 degrees) about the condyles' centre: a plateau 55-65 mm deep with a
  7-degree posterior slope, the tibial tuberosity in front, tapering into the shaft; the fibular head and
  shaft behind it, overlapping;
- soft tissue: thigh and calf around the bones, thicker behind them (hamstrings, calf), as the chord of an
  ellipse.

Local coordinates are millimetres; ``+u`` is anterior (mirrored with p = 0.5: a left or right knee), the
femur's axis tilted by up to +-12 degrees from the image vertical.
"""

from __future__ import annotations

import math

import numpy as np

from knee_localize.anatomy import BONE, CORTEX, SOFT, chord


def _turned(x: np.ndarray, y: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in a frame turned by ``degrees``: ``u`` across, ``v`` along the turned vertical."""
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return cos * x + sin * y, -sin * x + cos * y


def _tube(distance: np.ndarray, radius: np.ndarray | float, cortex_mm: float) -> np.ndarray:
    """A long bone seen from the side: marrow over the width, cortex brightest at both edges."""
    outer = chord(distance, radius)
    inner = chord(distance, np.maximum(np.asarray(radius) - cortex_mm, 1.0))
    return BONE * outer + 2.5 * CORTEX * (outer - inner)


def _blob(
    u: np.ndarray, v: np.ndarray, cu: float, cv: float, ru: float, rv: float, rim_mm: float
) -> np.ndarray:
    """An ellipsoidal bone end: marrow inside, a cortical rim ``rim_mm`` thick."""
    r = np.sqrt(((u - cu) / ru) ** 2 + ((v - cv) / rv) ** 2)
    inside = r <= 1.0
    rim = inside & (r >= 1.0 - rim_mm / min(ru, rv))
    return BONE * inside * (0.5 + 0.5 * chord(r, 1.0)) + CORTEX * rim


def lateral_knee_attenuation(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Attenuation of a lateral knee centred near ``(0, 0)`` at ``x, y`` (mm arrays of one shape)."""
    x = x - rng.normal(0, 25)
    y = y - rng.normal(0, 30)
    if rng.random() < 0.5:
        x = -x  # anterior to the image's left or right
    tilt, flexion = float(rng.uniform(-12, 12)), float(rng.uniform(0, 60))
    u, v = _turned(x, y, tilt)  # femur frame: v < 0 up the thigh
    shaft_r = float(rng.uniform(12, 15))
    condyle_r = float(rng.uniform(22, 27))
    centre_v = -condyle_r - 2.0
    # femur: shaft, flare into the condyles (behind the axis), two condyle outlines
    flare = np.clip((v - (centre_v - 45)) / 45, 0, 1)  # 0 on the shaft, 1 at the condyles
    axis = -6.0 * flare
    half = shaft_r + (condyle_r + 4 - shaft_r) * flare**1.5
    fade = np.clip((centre_v - 4 - v) / 20, 0, 1)  # the shaft's walls end inside the condyles
    mu = _tube(np.abs(u - axis), half, 3.5) * fade
    gap = float(rng.uniform(2, 6))
    for du in (0.0, gap):
        mu += 0.55 * _blob(u, v, -8 + du, centre_v + du / 2, condyle_r + 4, condyle_r, 2.0)
    # patella: in front of the condyles, lower as the knee bends
    pu, pv = _turned(u - (condyle_r + 8), v - (centre_v - 12 + 0.3 * flexion), -flexion / 2)
    mu += _blob(pu, pv, 0, 0, float(rng.uniform(9, 12)), float(rng.uniform(17, 23)), 2.5)
    # tibia, turned by the flexion about the condyles' centre
    tu, tv = _turned(u + 8, v - centre_v, flexion)
    tv = tv - condyle_r - float(rng.uniform(3, 7))  # the plateau at tv = 0, below the joint space
    plateau = float(rng.uniform(27, 33))
    taper = np.clip(tv / 70, 0, 1)
    tibia_half = plateau - (plateau - 12) * taper**0.8
    tibia_axis = 2.0 + 6.0 * np.exp(-(((tv - 30) / 12) ** 2))  # the tuberosity in front
    slope = 0.12 * (tu - tibia_axis)  # the plateau slopes down towards the back
    mu += _tube(np.abs(tu - tibia_axis), tibia_half, 3.0) * (tv >= slope)
    fibula = 2.0 - 0.55 * plateau  # behind the tibia, overlapping its back
    mu += 0.8 * _blob(tu, tv, fibula, 18, 9, 12, 2)
    mu += 0.8 * _tube(np.abs(tu - fibula), 6.0, 2.0) * (tv > 28)
    # soft tissue, thicker behind the bones
    thigh, calf = float(rng.uniform(55, 80)), float(rng.uniform(45, 65))
    depth = float(rng.uniform(1.0, 1.6))
    below = 1 / (1 + np.exp(-(v - centre_v - 10) / 8))  # thigh above the joint, calf below
    mu += SOFT * 1.4 * depth * (1 - below) * chord(u + 0.25 * thigh, thigh)
    mu += SOFT * 1.4 * depth * below * chord(tu + 0.3 * calf, calf)
    return mu.astype(np.float32)
