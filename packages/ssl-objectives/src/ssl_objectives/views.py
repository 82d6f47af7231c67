"""Pretraining views of uint8 ROI batches, with independent random parameters per sample.

A view is: random resized crop + horizontal flip + rotation (ONE affine warp per sample: an affine
sampling grid and a bilinear ``grid_sample``), then per-sample brightness/contrast jitter, Gaussian blur
(separable grouped convolution with one kernel per sample, reflect padding), solarisation, and
normalisation ``(x - mean) / std``; jitter, blur and solarisation touch only the samples drawn for them.
torchvision's batch transforms draw one set of parameters for the whole batch, which gives every image of
a batch the same crop - wrong for SSL views; here each of the ``B`` images gets its own.

Geometry, in normalised coordinates (``[-1, 1]``, ``align_corners=False``): an output point ``p`` samples
the input at ``c + diag(w, h) F R(-theta) p``, i.e. crop box (centre ``c``, half-extents ``w, h`` from an
integer pixel box as torchvision's ``RandomResizedCrop.get_params`` draws it), then flip ``F``, then a
counter-clockwise rotation by ``theta`` of the resized crop - the same order as the per-image reference
:func:`reference_view` (``resized_crop`` -> ``hflip`` -> ``rotate``), except that the warp reads image
content where the reference's rotation fills corners with black.

No host synchronisation on an accelerator: which samples get jitter, blur or solarisation is decided on the
device, and every sample goes through a step whose probability is above zero (an identity for the samples
not drawn: factor 1, a delta kernel, no flip of values, all exact). On the CPU, where reading a mask costs
nothing, only the drawn samples are computed (the same values).

Presets: :func:`paper_view` (the study's pipeline: crop, blur, flip, rotation), :func:`moco_v2_view`,
:func:`barlow_twins_views` (asymmetric blur / solarisation), :func:`mae_view` (crop + flip). Radiographs have
one channel: colour saturation/hue jitter and random greyscale are no-ops and are left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
from torch import Tensor
from torch.nn import functional

from ssl_objectives.errors import ConfigError


@dataclass(frozen=True)
class ViewConfig:
    """Parameters of one view.

    Attributes:
        size: output side in pixels.
        scale: crop area range, as fractions of the input.
        ratio: crop aspect-ratio range.
        flip_p: horizontal flip probability.
        degrees: rotation drawn uniformly from ``[-degrees, degrees]``.
        jitter_p: probability of brightness/contrast jitter.
        brightness: brightness factor drawn from ``[1 - b, 1 + b]``.
        contrast: contrast factor drawn from ``[1 - c, 1 + c]``.
        blur_p: Gaussian blur probability.
        blur_sigma: sigma range in output pixels at 224 px (scaled with ``size``).
        blur_kernel: kernel size as a fraction of ``size`` (made odd, at least 3).
        solarize_p: solarisation probability (threshold 0.5).
        mean: normalisation mean on the [0, 1] scale.
        std: normalisation standard deviation.
        channels: output channels (1, or 3 by repeating the grey channel).
    """

    size: int = 224
    scale: tuple[float, float] = (0.6, 1.0)
    ratio: tuple[float, float] = (3 / 4, 4 / 3)
    flip_p: float = 0.5
    degrees: float = 10.0
    jitter_p: float = 0.0
    brightness: float = 0.0
    contrast: float = 0.0
    blur_p: float = 0.5
    blur_sigma: tuple[float, float] = (0.1, 2.0)
    blur_kernel: float = 0.1
    solarize_p: float = 0.0
    mean: float = 0.5
    std: float = 0.25
    channels: int = 1

    def __post_init__(self) -> None:
        if not 0 < self.scale[0] <= self.scale[1] <= 1:
            raise ConfigError(f"scale must satisfy 0 < low <= high <= 1, got {self.scale}")
        if self.channels not in (1, 3):
            raise ConfigError(f"channels must be 1 or 3, got {self.channels}")
        for name in ("flip_p", "jitter_p", "blur_p", "solarize_p"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name} must be a probability, got {getattr(self, name)}")

    @property
    def kernel_size(self) -> int:
        """Odd blur kernel size for this output size."""
        k = max(3, round(self.blur_kernel * self.size))
        return k if k % 2 else k + 1


def paper_view(size: int = 224) -> ViewConfig:
    """The study's pretraining pipeline: random resized crop, Gaussian blur, flip, rotation."""
    return ViewConfig(size=size)


def moco_v2_view(size: int = 224) -> ViewConfig:
    """MoCo v2: crop scale (0.2, 1), jitter p 0.8 (brightness/contrast 0.4), blur p 0.5, flip, no rotation."""
    return ViewConfig(
        size=size,
        scale=(0.2, 1.0),
        degrees=0.0,
        jitter_p=0.8,
        brightness=0.4,
        contrast=0.4,
        blur_p=0.5,
    )


def barlow_twins_views(size: int = 224) -> tuple[ViewConfig, ViewConfig]:
    """Barlow Twins' pair: MoCo v2's jitter, crop (0.08, 1), blur p 1.0 / 0.1, solarise p 0 / 0.2."""
    first = replace(moco_v2_view(size), scale=(0.08, 1.0), blur_p=1.0)
    return first, replace(first, blur_p=0.1, solarize_p=0.2)


def vicreg_views(size: int = 224) -> tuple[ViewConfig, ViewConfig]:
    """VICReg's pair: the official VICReg augmentations are Barlow Twins'.

    Crop (0.08, 1), jitter p 0.8, blur p 1.0 / 0.1, solarise p 0 / 0.2; colour-only steps are no-ops on
    grey radiographs.
    """
    return barlow_twins_views(size)


def mae_view(size: int = 224) -> ViewConfig:
    """MAE: random resized crop (0.2, 1) and flip only."""
    return ViewConfig(size=size, scale=(0.2, 1.0), degrees=0.0, blur_p=0.0)


@dataclass(frozen=True)
class ViewParams:
    """Per-sample parameters of one view of a batch of ``B`` images of ``H x W`` pixels.

    Attributes:
        boxes: ``[B, 4]`` int64 crop boxes ``(top, left, height, width)`` in input pixels.
        flip: ``[B]`` bool.
        angle: ``[B]`` degrees, counter-clockwise.
        brightness: ``[B]`` factors (1 = unchanged).
        contrast: ``[B]`` factors (1 = unchanged).
        sigma: ``[B]`` blur sigma in output pixels, 0 = no blur.
        solarize: ``[B]`` bool.
    """

    boxes: Tensor
    flip: Tensor
    angle: Tensor
    brightness: Tensor
    contrast: Tensor
    sigma: Tensor
    solarize: Tensor


def sample_params(
    config: ViewConfig,
    batch: int,
    height: int,
    width: int,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
) -> ViewParams:
    """Draw independent view parameters for ``batch`` images (on ``device``, from ``generator``)."""

    def uniform(low: float, high: float) -> Tensor:
        return low + (high - low) * torch.rand(batch, generator=generator, device=device)

    def coin(p: float) -> Tensor:
        return torch.rand(batch, generator=generator, device=device) < p

    area = uniform(*config.scale) * height * width
    aspect = torch.exp(uniform(math.log(config.ratio[0]), math.log(config.ratio[1])))
    crop_w = torch.sqrt(area * aspect).round().clamp(1, width)
    crop_h = torch.sqrt(area / aspect).round().clamp(1, height)
    top = torch.floor(uniform(0.0, 1.0) * (height - crop_h + 1)).clamp(max=height - crop_h)
    left = torch.floor(uniform(0.0, 1.0) * (width - crop_w + 1)).clamp(max=width - crop_w)
    boxes = torch.stack([top, left, crop_h, crop_w], dim=1).long()
    jitter = coin(config.jitter_p)
    one = torch.ones(batch, device=device)
    brightness = torch.where(
        jitter, uniform(1 - config.brightness, 1 + config.brightness).clamp(min=0), one
    )
    contrast = torch.where(
        jitter, uniform(1 - config.contrast, 1 + config.contrast).clamp(min=0), one
    )
    scale = config.size / 224.0
    sigma = uniform(config.blur_sigma[0] * scale, config.blur_sigma[1] * scale)
    sigma = torch.where(coin(config.blur_p), sigma, torch.zeros_like(sigma))
    return ViewParams(
        boxes=boxes,
        flip=coin(config.flip_p),
        angle=uniform(-config.degrees, config.degrees),
        brightness=brightness,
        contrast=contrast,
        sigma=sigma,
        solarize=coin(config.solarize_p),
    )


def apply_view(
    images: Tensor, params: ViewParams, config: ViewConfig, *, host_sync: bool | None = None
) -> Tensor:
    """uint8 (or [0, 1] float) ``[B, H, W]`` / ``[B, 1, H, W]`` -> normalised float ``[B, C, size, size]``.

    ``host_sync``: compute jitter/blur only for the drawn samples (reads which on the host); None = on
    the CPU only. Both paths give the same values.
    """
    x = _as_unit_float(images)
    x = _warp(x, params, config.size)
    subset = x.device.type == "cpu" if host_sync is None else host_sync
    if config.jitter_p > 0:
        x = _jitter(x, params.brightness, params.contrast, subset)
    if config.blur_p > 0:
        x = _blur(x, params.sigma, config.kernel_size, subset)
    if config.solarize_p > 0:
        x = _solarize(x, params.solarize)
    x = x.sub_(config.mean).div_(config.std)
    if config.channels == 3:
        x = x.expand(-1, 3, -1, -1)
    return x.contiguous(memory_format=torch.channels_last)


def make_view(
    images: Tensor, config: ViewConfig, generator: torch.Generator | None = None
) -> Tensor:
    """Sample parameters on the images' device and apply them: one call per view."""
    height, width = images.shape[-2:]
    params = sample_params(config, images.shape[0], height, width, generator, images.device)
    return apply_view(images, params, config)


@dataclass(frozen=True)
class TwoViews:
    """Callable producing the two views of a batch (the same config twice unless given two)."""

    first: ViewConfig
    second: ViewConfig | None = None

    def __call__(
        self, images: Tensor, generator: torch.Generator | None = None
    ) -> tuple[Tensor, Tensor]:
        """uint8 ``[B, H, W]`` -> two normalised ``[B, C, size, size]`` views."""
        return (
            make_view(images, self.first, generator),
            make_view(images, self.second or self.first, generator),
        )


def _as_unit_float(images: Tensor) -> Tensor:
    if images.dim() == 3:
        images = images.unsqueeze(1)
    if images.dim() != 4 or images.shape[1] != 1:
        raise ConfigError(
            f"views expect grey images [B, H, W] or [B, 1, H, W], got {tuple(images.shape)}"
        )
    if images.dtype == torch.uint8:
        return images.float().div_(255.0)
    return images.float()


def _warp(x: Tensor, params: ViewParams, size: int) -> Tensor:
    height, width = x.shape[-2:]
    top, left, crop_h, crop_w = params.boxes.to(x.dtype).unbind(dim=1)
    centre_x = (left + crop_w / 2) / width * 2 - 1
    centre_y = (top + crop_h / 2) / height * 2 - 1
    half_w, half_h = crop_w / width, crop_h / height
    flip = torch.where(params.flip, -1.0, 1.0).to(x.dtype)
    radians = params.angle.to(x.dtype) * (math.pi / 180.0)
    cos, sin = torch.cos(radians), torch.sin(radians)
    # The resized crop is square (size x size) in output pixels, so the rotation acts on isotropic
    # coordinates; y points down, so a counter-clockwise turn on screen is R(-theta) in (x, y).
    rows = (
        torch.stack([half_w * flip * cos, -half_w * flip * sin, centre_x], dim=1),
        torch.stack([half_h * sin, half_h * cos, centre_y], dim=1),
    )
    # affine_grid's batched matmul is slow on the CPU; each grid coordinate is an outer sum of two ramps.
    ramp = (torch.arange(size, device=x.device, dtype=x.dtype) * 2 + 1) / size - 1
    grid = torch.empty(x.shape[0], size, size, 2, device=x.device, dtype=x.dtype)
    for axis, r in enumerate(rows):
        along_x = r[:, 0, None, None] * ramp[None, None, :]
        along_y = r[:, 1, None, None] * ramp[None, :, None] + r[:, 2, None, None]
        torch.add(along_x, along_y, out=grid[..., axis])
    return functional.grid_sample(
        x, grid, mode="bilinear", padding_mode="border", align_corners=False
    )


def _jitter(x: Tensor, brightness: Tensor, contrast: Tensor, subset: bool) -> Tensor:
    """Torchvision's order and formulas: brightness ``clamp(x * b)``, then contrast around the image mean.

    Factors of 1 leave a sample unchanged exactly; with ``subset`` only the jittered samples are computed
    (reads the mask on the host), otherwise all of them (no host sync).
    """
    if not subset:
        return _jitter_all(x, brightness, contrast)
    chosen = ((brightness != 1) | (contrast != 1)).nonzero().flatten()
    if chosen.numel() == 0:
        return x
    return x.index_copy(0, chosen, _jitter_all(x[chosen], brightness[chosen], contrast[chosen]))


def _jitter_all(x: Tensor, brightness: Tensor, contrast: Tensor) -> Tensor:
    part = (x * brightness[:, None, None, None]).clamp(0.0, 1.0)
    mean = part.mean(dim=(1, 2, 3), keepdim=True)
    c = contrast[:, None, None, None]
    return (c * part + (1.0 - c) * mean).clamp(0.0, 1.0)


def _solarize(x: Tensor, chosen: Tensor) -> Tensor:
    """``1 - x`` where ``x >= 0.5`` for the chosen samples (torchvision's ``solarize`` at threshold 0.5)."""
    return torch.where(chosen[:, None, None, None] & (x >= 0.5), 1.0 - x, x)


def gaussian_kernels(sigma: Tensor, kernel_size: int) -> Tensor:
    """``[B]`` sigmas -> ``[B, kernel_size]`` normalised 1-D Gaussians (sigma 0 -> a delta)."""
    half = (kernel_size - 1) / 2
    offsets = torch.linspace(-half, half, kernel_size, device=sigma.device, dtype=torch.float32)
    safe = sigma.clamp(min=1e-6)[:, None]
    kernels = torch.exp(-0.5 * (offsets[None, :] / safe) ** 2)
    return kernels / kernels.sum(dim=1, keepdim=True)


def _blur(x: Tensor, sigma: Tensor, kernel_size: int, subset: bool) -> Tensor:
    """Separable Gaussian blur (one kernel per sample, reflect padding); ``sigma`` 0 = a delta kernel.

    With ``subset`` only the samples with ``sigma > 0`` are computed (reads the mask on the host),
    otherwise all of them (no host sync; the delta kernel leaves the others unchanged).
    """
    if not subset:
        return _blur_all(x, sigma, kernel_size)
    chosen = (sigma > 0).nonzero().flatten()
    if chosen.numel() == 0:
        return x
    return x.index_copy(0, chosen, _blur_all(x[chosen], sigma[chosen], kernel_size))


def _blur_all(x: Tensor, sigma: Tensor, kernel_size: int) -> Tensor:
    part = x
    batch, channels, height, width = part.shape
    kernels = gaussian_kernels(sigma, kernel_size).to(x.dtype).repeat_interleave(channels, dim=0)
    pad = kernel_size // 2
    flat = part.reshape(1, batch * channels, height, width)
    flat = functional.pad(flat, (pad, pad, pad, pad), mode="reflect")
    flat = functional.conv2d(flat, kernels[:, None, None, :], groups=batch * channels)
    flat = functional.conv2d(flat, kernels[:, None, :, None], groups=batch * channels)
    return flat.reshape(batch, channels, height, width)


def reference_view(image: Tensor, params: ViewParams, index: int, config: ViewConfig) -> Tensor:
    """Per-image torchvision path with the same parameters (for tests and the throughput baseline).

    ``image``: uint8 ``[1, H, W]``; returns the normalised ``[C, size, size]`` view of sample ``index``.
    """
    from torchvision.transforms.v2 import functional as tvf

    x = image.float() / 255.0
    top, left, height, width = (int(v) for v in params.boxes[index])
    x = tvf.resized_crop(x, top, left, height, width, [config.size, config.size], antialias=False)
    if bool(params.flip[index]):
        x = tvf.horizontal_flip(x)
    angle = float(params.angle[index])
    if angle != 0.0:
        x = tvf.rotate(x, angle, interpolation=tvf.InterpolationMode.BILINEAR)
    x = tvf.adjust_brightness(x, float(params.brightness[index]))
    x = tvf.adjust_contrast(x, float(params.contrast[index]))
    sigma = float(params.sigma[index])
    if sigma > 0:
        x = tvf.gaussian_blur(x, [config.kernel_size, config.kernel_size], [sigma, sigma])
    if bool(params.solarize[index]):
        x = tvf.solarize(x, 0.5)
    x = (x - config.mean) / config.std
    return x.expand(config.channels, -1, -1)
