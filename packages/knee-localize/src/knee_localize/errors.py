"""Exception types raised by knee-localize."""

from __future__ import annotations


class KneeLocalizeError(Exception):
    """Base class of every error raised by knee-localize."""


class RadiographReadError(KneeLocalizeError):
    """A file that is not a readable radiograph (not DICOM or image, truncated, no pixel data, ...)."""


class NotAKneeRadiographError(RadiographReadError):
    """A DICOM whose header (``Modality``, ``BodyPartExamined``) says it is not a knee radiograph."""


class AnnotationError(KneeLocalizeError):
    """An annotation file (Pascal VOC, COCO, CSV) that cannot be imported; the message names file and row."""
