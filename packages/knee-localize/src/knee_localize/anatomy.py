"""A knee drawn as attenuation in millimetres, in the knee's own frame.

Frame: origin on the tibial plateau at the joint centre, ``x`` towards the medial side (the midline of the
body), ``y`` distal (down the image). All lengths in millimetres before the knee's scale factor.

Structures and their attenuation (arbitrary units, summed): soft tissue of the leg; femur (shaft, a
metaphysis flaring to two broad condyles, a thin cortex brighter than marrow, thickest under its axis);
tibia (plateau with the tibial
spines, a metaphysis tapering over 57 mm to the shaft, a 3 mm cortex); fibula (lateral); patella (over the
femur in a PA view); osteophytes at the joint margins; subchondral sclerosis under the medial plateau; or a
total knee implant (metal femoral component and tibial tray) instead of the joint.

How the KL grade and the latent risk shape the knee (:class:`KneeSpec`):

===========  ===========  ===========  ===============  =========
KL           medial JSW   lateral JSW  osteophyte (mm)  sclerosis
===========  ===========  ===========  ===============  =========
0            5.5          6.0          0                0
1            4.8          5.8          1.0              0
2            3.6          5.4          2.5              0.08
3            2.0          4.6          4.0              0.18
4            0.4          3.6          6.0              0.30
===========  ===========  ===========  ===============  =========

A latent risk ``r`` narrows the medial joint space by ``0.3 r`` mm and adds ``0.04 r`` sclerosis.

Flexion (``flexion_deg``, the fixed-flexion PA protocol of OAI flexes the knees about 20 degrees against a
10-degree caudal beam): the plateau is no longer seen edge-on, so its posterior rim shows as a second cortical
line ``0.35 flexion_deg`` mm below the anterior one, and the intercondylar notch opens (its ellipse grows by
``0.15 flexion_deg`` mm across and ``0.5 flexion_deg`` mm up). ``flexion_deg = 0`` is the extended knee of
the plain phantom.

Pose and variants: ``varus_deg`` turns the tibia and fibula about the joint centre (positive: varus, the
shin towards the midline); implants come in three shapes (``implant_kind``): 0 total knee (femoral
component, tibial tray and short stem), 1 unicompartmental (medial femoral runner and medial tray on a native
knee), 2 revision (total knee with long femoral and tibial stems).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

MEDIAL_JSW = (5.5, 4.8, 3.6, 2.0, 0.4)
LATERAL_JSW = (6.0, 5.8, 5.4, 4.6, 3.6)
OSTEOPHYTE = (0.0, 1.0, 2.5, 4.0, 6.0)
SCLEROSIS = (0.0, 0.0, 0.08, 0.18, 0.30)
BONE, CORTEX, SOFT, METAL = 0.55, 0.35, 0.22, 2.5
CONDYLE_POWER = 2.6  # condyles broader and flatter-bottomed than circles, as in a PA view


@dataclass(frozen=True)
class KneeSpec:
    """One knee: grade, latent risk, implant, and its pose in the image.

    Attributes:
        kl: Kellgren-Lawrence grade 0-4.
        risk: latent progression risk (standard normal scale).
        implant: a total knee replacement instead of the native joint.
        scale: anatomical size factor (about 0.9-1.1).
        angle_deg: in-plane rotation.
        varus_deg: tibia turned about the joint centre (positive: towards the midline).
        implant_kind: 0 total, 1 unicompartmental, 2 revision with long stems (when ``implant``).
        flexion_deg: knee flexion against the beam (0 extended; about 20 in a fixed-flexion view).
        patella: the patella's attenuation over the femur (0.25; real films range from faint to a bright
            oval that outshines the condyles).
        patella_mm: height of the patella's centre above the joint line (32 mm).
    """

    kl: int
    risk: float = 0.0
    implant: bool = False
    scale: float = 1.0
    angle_deg: float = 0.0
    varus_deg: float = 0.0
    implant_kind: int = 0
    flexion_deg: float = 0.0
    patella: float = 0.25
    patella_mm: float = 32.0

    @property
    def medial_jsw(self) -> float:
        """Medial joint-space width in mm."""
        return max(0.2, MEDIAL_JSW[self.kl] - 0.3 * self.risk)

    @property
    def lateral_jsw(self) -> float:
        """Lateral joint-space width in mm."""
        return LATERAL_JSW[self.kl]


def _ellipse(
    x: np.ndarray, y: np.ndarray, cx: float, cy: float, rx: float, ry: float, power: float = 2.0
) -> np.ndarray:
    """Inside the (super)ellipse ``|dx / rx|^p + |dy / ry|^p <= 1`` (``p > 2``: squarer)."""
    return np.abs((x - cx) / rx) ** power + np.abs((y - cy) / ry) ** power <= 1.0


def chord(distance: np.ndarray, radius: np.ndarray | float) -> np.ndarray:
    """``sqrt(1 - (d / r)^2)`` inside the radius, 0 outside: a cylinder's relative thickness at ``d``."""
    return np.sqrt(np.clip(1.0 - (distance / radius) ** 2, 0.0, None))


def _depth(x: np.ndarray, half_width: np.ndarray | float) -> np.ndarray:
    """Projected thickness of a roughly cylindrical bone across its width, ``0.4 + 0.6 sqrt(1 - (x/w)^2)``.

    A bone is thickest under its axis and thins towards its edges, so radiographs show bone brightest in
    the middle; a flat mask would not (and equalised flat masks turn into noise).
    """
    return 0.4 + 0.6 * chord(x, half_width)


def _bone(mask: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """Marrow everywhere in ``mask``, plus a brighter cortex where ``mask`` is not ``inner``."""
    return BONE * mask + CORTEX * (mask & ~inner)


def knee_attenuation(x: np.ndarray, y: np.ndarray, spec: KneeSpec) -> np.ndarray:
    """Attenuation of one knee at local coordinates ``x, y`` (mm, arrays of one shape).

    The femoral condyles sit ``medial_jsw`` and ``lateral_jsw`` above the plateau (``y = 0``).
    """
    x, y = x / spec.scale, y / spec.scale
    out = SOFT * (np.abs(x) <= 62) * (1.0 - 0.5 * (x / 62.0) ** 2)
    if spec.varus_deg:
        return out + _varus_knee(x, y, spec)
    if spec.implant and spec.implant_kind != 1:
        femur_shaft = (np.abs(x) <= 15) & (y <= -40)
        out += _bone(femur_shaft, np.abs(x) <= 11)
        component = (
            _ellipse(x, y, 0.0, -22.0, 38.0, 22.0)
            & (y <= -2.0)
            & ~_ellipse(x, y, 0.0, -26.0, 30.0, 17.0)
        )
        tray = (np.abs(x) <= 36) & (y >= 4.0) & (y <= 10.0)
        stem_end = 95.0 if spec.implant_kind == 2 else 45.0
        stem = (np.abs(x) <= 6) & (y > 10.0) & (y <= stem_end)
        if spec.implant_kind == 2:  # revision: a long femoral stem too
            stem = stem | ((np.abs(x) <= 6) & (y < -30.0) & (y >= -120.0))
        tibia = (np.abs(x) <= 34) & (y >= 10.0) & (y <= 30.0) | (np.abs(x) <= 15) & (y > 30.0)
        out += _bone(tibia, np.abs(x) <= 12) + METAL * (component | tray | stem)
        out += _bone(
            _ellipse(x, y, -41.0, 30.0, 8.0, 9.0) | ((np.abs(x + 43.0) <= 5) & (y > 30)),
            np.abs(x + 43) <= 2,
        )
        return out
    medial_gap, lateral_gap = spec.medial_jsw, spec.lateral_jsw
    medial_condyle = _ellipse(x, y, 19.0, -medial_gap - 19.0, 18.0, 19.0, CONDYLE_POWER)
    lateral_condyle = _ellipse(x, y, -19.0, -lateral_gap - 19.0, 17.0, 19.0, CONDYLE_POWER)
    flexion = max(0.0, spec.flexion_deg)
    notch = _ellipse(x, y, 0.0, -medial_gap - 8.0, 6.0 + 0.15 * flexion, 12.0 + 0.5 * flexion)
    metaphysis = (np.abs(x) <= 36 - 0.35 * np.clip(-y - 30.0, 0, 60)) & (y <= -20.0) & (y >= -90.0)
    femur_shaft = (np.abs(x) <= 15) & (y <= -60.0)
    femur = (medial_condyle | lateral_condyle | metaphysis | femur_shaft) & ~notch
    femur_inner = (
        _ellipse(x, y, 19.0, -medial_gap - 19.0, 15.5, 16.5, CONDYLE_POWER)
        | _ellipse(x, y, -19.0, -lateral_gap - 19.0, 14.5, 16.5, CONDYLE_POWER)
        | (np.abs(x) <= 33 - 0.35 * np.clip(-y - 30.0, 0, 60)) & (y <= -20.0) & (y >= -90.0)
        | ((np.abs(x) <= 11) & (y <= -40.0))
    )
    taper = 0.4 * np.clip(y - 22.0, 0, 57)  # the metaphysis narrows to the shaft over 57 mm
    eminence = (np.abs(x) <= 9.0) & (y < 0.0) & (y >= -7.0 + 0.78 * np.abs(x))  # tibial spines
    tibia = (np.abs(x) <= 37.0 - taper) & (y >= 0.0) | eminence
    tibia_inner = (np.abs(x) <= 34.0 - taper) & (y >= 2.5)  # a 3 mm cortex all round
    fibula = _ellipse(x, y, -41.0, 24.0, 8.0, 10.0) | ((np.abs(x + 43.0) <= 5.0) & (y > 24.0))
    patella = _ellipse(x, y, 0.0, -medial_gap - spec.patella_mm, 22.0, 26.0)
    femur_half = np.maximum(15.0, 37.0 - 0.35 * np.clip(-y - 30.0, 0, 60))
    out += (
        _bone(femur, femur_inner) * _depth(x, femur_half)
        + _bone(tibia, tibia_inner) * _depth(x, 37.0 - taper)
        + _bone(fibula, np.abs(x + 43.0) <= 2.0)
    )
    out += spec.patella * patella
    if flexion > 0:  # the plateau's posterior rim, projected below the anterior one
        rim = 0.35 * flexion
        out += CORTEX * ((np.abs(x) <= 35.0) & (y >= rim) & (y <= rim + 1.2))
    size = OSTEOPHYTE[spec.kl]
    if size > 0:
        for side in (1.0, -1.0):  # medial, lateral margins of tibia and femur
            tip = side * (37.0 + size)
            tibial = (
                (np.sign(x) == side)
                & (np.abs(x) > 37.0)
                & (np.abs(x) <= 37.0 + size)
                & (y >= 0.5)
                & (y <= 0.5 + size * (1.0 - (np.abs(x) - 37.0) / max(size, 1e-6)) * 1.2)
            )
            femoral = _ellipse(
                x, y, tip - side * size / 2.0, -medial_gap - 4.0, size / 2.0 + 0.5, size * 0.8
            )
            out += (BONE + CORTEX) * (tibial | (femoral & ~femur))
    sclerosis = SCLEROSIS[spec.kl] + 0.04 * max(spec.risk, 0.0)
    if sclerosis > 0:
        out += sclerosis * ((x >= 4.0) & (x <= 36.0) & (y >= 0.0) & (y <= 6.0 + 10.0 * sclerosis))
    if spec.implant and spec.implant_kind == 1:  # unicompartmental: medial runner and tray
        runner = _ellipse(x, y, 19.0, -medial_gap - 12.0, 15.0, 12.0) & (y <= -medial_gap + 0.5)
        runner &= ~_ellipse(x, y, 19.0, -medial_gap - 14.0, 11.0, 9.0)
        tray = (x >= 4.0) & (x <= 36.0) & (y >= 1.0) & (y <= 6.0)
        out += METAL * (runner | tray)
    return out


def _varus_knee(x: np.ndarray, y: np.ndarray, spec: KneeSpec) -> np.ndarray:
    """Bone of a knee whose tibia is turned by ``varus_deg``: femur in the knee frame, tibia rotated.

    Soft tissue is added by the caller; the femur part is evaluated with ``y < 0`` only, the tibia part
    (rotated coordinates) with ``y >= 0`` only, so nothing is counted twice.
    """
    straight = replace(spec, scale=1.0, angle_deg=0.0, varus_deg=0.0)
    theta = np.radians(spec.varus_deg)
    xt = np.cos(theta) * x + np.sin(theta) * y
    yt = -np.sin(theta) * x + np.cos(theta) * y
    femur = knee_attenuation(x, y, straight) * (y < 0)
    tibia = knee_attenuation(xt, yt, straight) * (y >= 0)
    soft = SOFT * (np.abs(x) <= 62) * (1.0 - 0.5 * (x / 62.0) ** 2)
    return femur + tibia - soft
