"""Fine-tuning augmentations (Appendix C.3) on batches, with independent random parameters per sample.

Training: random resized crop + horizontal flip + rotation, composed into ONE affine warp per image
(:func:`torch.nn.functional.affine_grid` + ``grid_sample``), so a batch of ``B`` images gets ``B``
different crops, flips and angles (torchvision's batch transforms draw one set for the whole batch).
For output coordinates ``p`` in [-1, 1]^2 the input is sampled at ``R(theta) diag(f w, h) p + c``: crop
width and height ``w, h`` (fractions of the image, from the area scale and the aspect ratio), flip
``f = +-1``, rotation ``theta`` and crop centre ``c`` keeping the crop inside the image.
Evaluation: resize to ``resize`` then centre crop ``crop`` (the paper: 256 then 224).
Input: uint8 ``[B, H, W]`` or ``[B, C, H, W]``; output float ``[B, C, crop, crop]`` normalised by
``(x / 255 - mean) / std``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor
from torch.nn import functional


@dataclass(frozen=True)
class FineTuneAugment:
    """Parameters of the fine-tuning and evaluation transforms.

    Attributes:
        crop: output side in pixels (224 in the paper).
        resize: evaluation resize before the centre crop (256 in the paper).
        scale: random-resized-crop area range, as fractions of the image.
        ratio: aspect-ratio range of the crop.
        flip_p: horizontal flip probability.
        degrees: rotation range ``[-degrees, degrees]``.
        mean: normalisation mean (after scaling to [0, 1]).
        std: normalisation standard deviation.
        channels: output channels (1, or 3 by repeating the grey channel for RGB encoders).
    """

    crop: int = 224
    resize: int = 256
    scale: tuple[float, float] = (0.6, 1.0)
    ratio: tuple[float, float] = (3 / 4, 4 / 3)
    flip_p: float = 0.5
    degrees: float = 10.0
    mean: float = 0.5
    std: float = 0.25
    channels: int = 1

    def train(self, images: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """Random per-sample warp of a uint8 batch to a normalised float ``[B, C, crop, crop]``."""
        x = _as_float_batch(images)
        batch = x.shape[0]
        device = x.device

        def uniform(low: float, high: float) -> Tensor:
            return low + (high - low) * torch.rand(batch, generator=generator, device=device)

        area = uniform(*self.scale)
        log_ratio = uniform(math.log(self.ratio[0]), math.log(self.ratio[1]))
        aspect = torch.exp(log_ratio)
        width = torch.sqrt(area * aspect).clamp(max=1.0)
        height = torch.sqrt(area / aspect).clamp(max=1.0)
        centre_x = uniform(-1.0, 1.0) * (1.0 - width)
        centre_y = uniform(-1.0, 1.0) * (1.0 - height)
        flip = torch.where(uniform(0.0, 1.0) < self.flip_p, -1.0, 1.0)
        angle = uniform(-self.degrees, self.degrees) * (math.pi / 180.0)
        cos, sin = torch.cos(angle), torch.sin(angle)
        theta = torch.stack(
            [
                torch.stack([cos * flip * width, -sin * height, centre_x], dim=1),
                torch.stack([sin * flip * width, cos * height, centre_y], dim=1),
            ],
            dim=1,
        )
        grid = functional.affine_grid(
            theta, [batch, x.shape[1], self.crop, self.crop], align_corners=False
        )
        warped = functional.grid_sample(
            x, grid, mode="bilinear", padding_mode="border", align_corners=False
        )
        return self._normalise(warped)

    def evaluate(self, images: Tensor) -> Tensor:
        """Resize to ``resize``, centre crop ``crop``, normalise."""
        x = _as_float_batch(images)
        resized = functional.interpolate(
            x, size=(self.resize, self.resize), mode="bilinear", align_corners=False, antialias=True
        )
        start = (self.resize - self.crop) // 2
        return self._normalise(resized[:, :, start : start + self.crop, start : start + self.crop])

    def _normalise(self, x: Tensor) -> Tensor:
        x = (x - self.mean) / self.std
        if self.channels != x.shape[1]:
            x = x.expand(-1, self.channels, -1, -1)
        return x.contiguous(memory_format=torch.channels_last)


def _as_float_batch(images: Tensor) -> Tensor:
    if images.dim() == 3:
        images = images.unsqueeze(1)
    if images.dim() != 4:
        raise ValueError(f"images must be [B, H, W] or [B, C, H, W], got {tuple(images.shape)}")
    return images.float() / 255.0 if images.dtype == torch.uint8 else images.float()
