"""Training-step throughput of every ssl-objectives method next to a bare supervised step (the ceiling).

Run: ``uv run python benchmarks/ssl_step_throughput.py`` (CPU: 64 px, batch 16) or on a GPU
``python benchmarks/ssl_step_throughput.py --device cuda`` (224 px, batch 256, bf16 autocast, channels_last).

Each step starts from a synthetic DEVICE-RESIDENT uint8 ROI batch ``[B, S, S]`` (``S = size * 8 / 7``, as the
256 px ROIs cropped to 224), makes the method's views on the device with per-sample parameters, runs
forward + backward + SGD step + ``after_step``. The ceiling is a supervised ResNet-34 (ViT-S for MAE) step on
already-normalised float input at the same size and batch. Views are counted in two kinds: ``bp`` views a
method back-propagates through (two for Barlow Twins and VICReg, one for MoCo v2's queries) and ``fwd``
views it only runs forward without gradient (MoCo v2's key view, CNN-JEPA's EMA target view). A forward pass
costs about a third of a training step, so ``step-equivalent views = bp + fwd / 3`` and
``ratio = step-equivalent views/s / ceiling images/s``: comparable across methods, 1.0 = as fast as the
supervised step per unit of work (goal >= 0.7 on a GPU for MoCo v2, Barlow Twins and VICReg).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import torch
from ssl_objectives import (
    CNNJEPA,
    MAE,
    BarlowTwins,
    BarlowTwinsConfig,
    CNNJEPAConfig,
    ConVIRT,
    ConVIRTConfig,
    GLoRIA,
    ImageTextBatch,
    MAEConfig,
    MoCoV2,
    MoCoV2Config,
    TextTokens,
    TwoViews,
    VICReg,
    VICRegConfig,
    ViTSpec,
    build_backbone,
    make_view,
    moco_v2_view,
    paper_view,
    vicreg_views,
)
from ssl_objectives.views import barlow_twins_views, mae_view
from torch import nn

METHODS = ("moco_v2", "barlow_twins", "vicreg", "cnn_jepa", "mae", "convirt", "gloria")
FORWARD_COST = 1 / 3  # a forward-only view relative to a training step


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _time(step: Callable[[], None], warmup: int, steps: int, device: torch.device) -> float:
    for _ in range(warmup):
        step()
    _sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    _sync(device)
    return (time.perf_counter() - start) / steps


def _bert(device: torch.device, tiny: bool) -> nn.Module:
    from ssl_objectives.text_encoder import BertTextEncoder

    config = {"vocab_size": 28996}
    if tiny:
        config |= {
            "hidden_size": 64,
            "num_hidden_layers": 4,
            "num_attention_heads": 2,
            "intermediate_size": 128,
        }
    return BertTextEncoder.from_config(config).to(device)


def _text(batch: int, length: int, device: torch.device) -> TextTokens:
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, 28000, (batch, length), generator=g)
    ids[:, 0], ids[:, -1] = 101, 102
    words = torch.arange(length).expand(batch, -1).clone()
    words[:, -1] = -1
    return TextTokens(ids, torch.ones_like(ids), words).to(device)


def build(name: str, args: argparse.Namespace, device: torch.device):
    """The method, a callable turning the uint8 ROI batch into its input, and (bp, fwd) views per image."""
    size, dim = args.size, args.projector_dim
    backbone = build_backbone(args.backbone)
    g = torch.Generator(device=device).manual_seed(0)
    if name == "moco_v2":
        views = TwoViews(moco_v2_view(size))
        method = MoCoV2(backbone, MoCoV2Config(queue_size=args.queue))
        return method, lambda x: views(x, g), (1, 1)  # queries back-propagated, keys forward only
    if name in ("barlow_twins", "vicreg"):
        if name == "barlow_twins":
            views = TwoViews(*barlow_twins_views(size))
            method = BarlowTwins(backbone, BarlowTwinsConfig(projector_dims=(dim, dim, dim)))
        else:
            views = TwoViews(*vicreg_views(size))
            method = VICReg(backbone, VICRegConfig(projector_dims=(dim, dim, dim)))
        return method, lambda x: views(x, g), (2, 0)
    if name == "cnn_jepa":
        method = CNNJEPA(backbone, CNNJEPAConfig(total_steps=10_000))
        return method, lambda x: make_view(x, paper_view(size), g), (1, 1)  # + EMA target view
    if name == "mae":
        vit = build_backbone(
            "vit_small", vit=ViTSpec(image_size=size, patch_size=16 if size >= 128 else 8)
        )
        return MAE(vit, MAEConfig()), lambda x: make_view(x, mae_view(size), g), (1, 0)
    text = _text(args.batch, 97 if device.type == "cuda" else 24, device)
    bert = _bert(device, tiny=device.type != "cuda")
    if (
        name == "convirt"
    ):  # official: embeddings + first 6 of 12 layers frozen; half of the tiny CPU BERT
        method = ConVIRT(backbone, bert, ConVIRTConfig(freeze_layers=min(6, bert.num_layers // 2)))
    else:
        method = GLoRIA(backbone, bert)
    return method, lambda x: ImageTextBatch(make_view(x, paper_view(size), g), text), (1, 0)


def ceiling(args: argparse.Namespace, device: torch.device, vit: bool) -> float:
    """Images/s of a supervised step (ResNet or ViT-S + Linear, cross-entropy, SGD) at the same size."""
    if vit:
        encoder = build_backbone(
            "vit_small", vit=ViTSpec(image_size=args.size, patch_size=16 if args.size >= 128 else 8)
        )
    else:
        encoder = build_backbone(args.backbone)
    model = nn.Sequential(encoder, nn.Linear(encoder.feature_dim, 5)).to(device)
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(args.batch, 1, args.size, args.size, device=device).contiguous(
        memory_format=torch.channels_last
    )
    y = torch.randint(0, 5, (args.batch,), device=device)

    def step() -> None:
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return args.batch / _time(step, args.warmup, args.steps, device)


def measure(
    name: str, args: argparse.Namespace, device: torch.device
) -> tuple[float, tuple[int, int]]:
    """Images/s of one method's full step (views included) and its (bp, fwd) views per image."""
    method, make_input, views = build(name, args, device)
    method = method.to(device).train()
    if device.type == "cuda":
        method = method.to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(
        [p for p in method.parameters() if p.requires_grad], lr=0.01, momentum=0.9
    )
    roi = round(args.size * 8 / 7)
    rois = torch.randint(0, 256, (args.batch, roi, roi), dtype=torch.uint8, device=device)

    def step() -> None:
        batch = make_input(rois)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            loss, _ = method(batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        method.after_step()

    return args.batch / _time(step, args.warmup, args.steps, device), views


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--size", type=int, default=None, help="view side (224 GPU, 64 CPU)")
    parser.add_argument("--batch", type=int, default=None, help="256 GPU, 16 CPU")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--backbone", default="resnet34")
    parser.add_argument(
        "--projector-dim", type=int, default=None, help="Barlow/VICReg width (8192 GPU, 1024 CPU)"
    )
    parser.add_argument("--queue", type=int, default=65536)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    args = parser.parse_args()
    device = torch.device(args.device)
    gpu = device.type == "cuda"
    args.size = args.size or (224 if gpu else 64)
    args.batch = args.batch or (256 if gpu else 16)
    args.steps = args.steps or (20 if gpu else 8)
    args.warmup = args.warmup or (5 if gpu else 2)
    args.projector_dim = args.projector_dim or (8192 if gpu else 1024)
    torch.manual_seed(0)
    if gpu:
        torch.backends.cudnn.benchmark = True
        name = torch.cuda.get_device_name(device)
    else:
        name = f"CPU ({torch.get_num_threads()} threads)"
    print(
        f"device {name}; {args.size} px views, batch {args.batch}, {args.backbone}, "
        f"{'bf16 autocast + channels_last' if gpu else 'float32'}, {args.steps} timed steps"
    )
    # the ceiling is measured before and after the methods and averaged (shared machines drift)
    first = ceiling(args, device, vit=False)
    vit_ceiling = ceiling(args, device, vit=True) if "mae" in args.methods else float("nan")
    rates = {}
    for method in args.methods:
        rates[method] = measure(method, args, device)
        if gpu:
            torch.cuda.empty_cache()
    resnet_ceiling = (first + ceiling(args, device, vit=False)) / 2
    print(f"{'supervised ' + args.backbone:<24} {resnet_ceiling:10.1f} images/s  (ceiling)")
    print(f"{'supervised vit_small':<24} {vit_ceiling:10.1f} images/s  (ceiling for MAE)")
    print(
        f"{'method':<24} {'images/s':>10} {'bp views/s':>11} {'fwd views/s':>12} "
        f"{'step-equiv/s':>13} {'ratio':>7}"
    )
    for method, (rate, (bp, fwd)) in rates.items():
        base = vit_ceiling if method == "mae" else resnet_ceiling
        equivalent = rate * (bp + fwd * FORWARD_COST)
        print(
            f"{method:<24} {rate:10.1f} {rate * bp:11.1f} {rate * fwd:12.1f} "
            f"{equivalent:13.1f} {equivalent / base:7.2f}"
        )


if __name__ == "__main__":
    main()
