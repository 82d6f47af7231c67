"""Two gloo processes on the CPU (run by test_ddp.py, not collected by pytest itself).

``python ddp_worker.py steps OUT PORT DIR``: for every method, one DDP step over 2 ranks (4 rows each,
float64)
and, on rank 0 before the process group exists, one single-process step over the concatenated 8 rows;
writes ``OUT/steps.json`` with the loss and the largest relative differences of every gradient and of the
whole state after the optimiser step and ``after_step`` (BatchNorm running statistics, MoCo's queue,
CNN-JEPA's EMA target included) and each rank's ``gather=True`` losses of fixed embeddings; then, in the
same processes, the uninterrupted ``run`` below into DIR.

``python ddp_worker.py run OUT PORT DIR [KILL_AT]``: a 2-rank ``pretrain`` of a tiny MoCo v2 into DIR; with
KILL_AT both ranks die (``os._exit``) at that global step, as a killed torchrun job.

``DDP_DEVICE=cuda DDP_BACKEND=nccl`` runs the same on GPUs (rank r on ``cuda:r % count``;
``benchmarks/ddp_equality_cuda.py``); the default is the CPU with gloo.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ssl_objectives as so
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from ssl_objectives import losses
from ssl_objectives.distributed import unwrap
from ssl_objectives.methods import predictive
from ssl_objectives.text_batch import ImageTextBatch, TextTokens
from ssl_objectives.text_encoder import BertTextEncoder

WORLD, ROWS = 2, 4
TINY_BERT = {
    "vocab_size": 40,
    "hidden_size": 16,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "intermediate_size": 32,
    "max_position_embeddings": 32,
    "hidden_dropout_prob": 0.0,  # dropout would draw different masks in the two runs
    "attention_probs_dropout_prob": 0.0,
}


def _images(size: int, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(WORLD * ROWS, 1, size, size, generator=g, dtype=torch.float64)


def _text() -> TextTokens:
    """8 sentences of 3-9 tokens ([CLS] w ... [SEP] pad), so the ranks' word counts differ."""
    lengths = [3, 5, 4, 6, 9, 7, 8, 5]
    ids = torch.zeros(len(lengths), 10, dtype=torch.long)
    words = torch.full_like(ids, -1)
    g = torch.Generator().manual_seed(5)
    for row, n in enumerate(lengths):
        ids[row, 0], ids[row, n - 1] = 2, 3
        ids[row, 1 : n - 1] = torch.randint(5, 40, (n - 2,), generator=g)
        words[row, : n - 1] = torch.arange(n - 1)
    mask = (torch.arange(10)[None] < torch.tensor(lengths)[:, None]).long()
    return TextTokens(ids, mask, words)


def _device(rank: int) -> torch.device:
    if os.environ.get("DDP_DEVICE", "cpu") == "cuda":
        return torch.device("cuda", rank % torch.cuda.device_count())
    return torch.device("cpu")


def _to(batch: Any, device: torch.device) -> Any:
    if isinstance(batch, tuple):
        return tuple(x.to(device) for x in batch)
    if isinstance(batch, ImageTextBatch):
        return ImageTextBatch(batch.images.to(device), batch.text.to(device))
    return batch.to(device)


def _batch(name: str) -> Any:
    if name in ("moco_v2", "barlow_twins", "vicreg"):
        return _images(32, 1), _images(32, 2)
    if name == "cnn_jepa":
        return _images(64, 3)
    if name == "mae":
        return _images(32, 4)
    return ImageTextBatch(_images(32, 6), _text())


def _rows(batch: Any, rows: slice) -> Any:
    if isinstance(batch, tuple):
        return tuple(x[rows] for x in batch)
    if isinstance(batch, ImageTextBatch):
        t = batch.text
        return ImageTextBatch(
            batch.images[rows],
            TextTokens(t.input_ids[rows], t.attention_mask[rows], t.word_index[rows]),
        )
    return batch[rows]


def _method(name: str) -> so.SSLMethod:
    torch.manual_seed(0)
    if name == "mae":
        vit = so.ViTSpec(image_size=32, patch_size=8, depth=2, width=32, heads=2)
        config = so.MAEConfig(decoder_width=32, decoder_depth=1, decoder_heads=2, mask_ratio=0.5)
        return so.MAE(so.build_backbone("vit_small", vit=vit), config)
    backbone = so.build_backbone("resnet18")
    builders: dict[str, Callable[[], so.SSLMethod]] = {
        "moco_v2": lambda: so.MoCoV2(backbone, so.MoCoV2Config(queue_size=16, momentum=0.9)),
        "barlow_twins": lambda: so.BarlowTwins(
            backbone, so.BarlowTwinsConfig(projector_dims=(32, 16))
        ),
        "vicreg": lambda: so.VICReg(backbone, so.VICRegConfig(projector_dims=(32, 16))),
        "cnn_jepa": lambda: so.CNNJEPA(
            backbone, so.CNNJEPAConfig(masking=so.MaskingConfig(patch=16), total_steps=10)
        ),
        "convirt": lambda: so.ConVIRT(
            backbone, BertTextEncoder.from_config(TINY_BERT), so.ConVIRTConfig(freeze_layers=1)
        ),
        "gloria": lambda: so.GLoRIA(
            backbone, BertTextEncoder.from_config(TINY_BERT), so.GLoRIAConfig(last_n_layers=2)
        ),
    }
    return builders[name]()


def _fix_masks(rows: slice) -> None:
    """Masks of the GLOBAL batch drawn once from a fixed seed; each rank takes its rows."""
    jepa = predictive.cnn_jepa_mask
    patch = predictive.random_patch_mask
    predictive.cnn_jepa_mask = lambda n, grid, config, generator=None, device="cpu": (
        jepa(WORLD * ROWS, grid, config, torch.Generator().manual_seed(7))[0][rows].to(device),
        "fixed",
    )
    predictive.random_patch_mask = lambda n, length, ratio, generator=None, device="cpu": tuple(
        t[rows].to(device)
        for t in patch(WORLD * ROWS, length, ratio, torch.Generator().manual_seed(8))
    )


METHODS = tuple(
    os.environ.get("DDP_METHODS", "moco_v2,barlow_twins,vicreg,cnn_jepa,mae,convirt,gloria").split(
        ","
    )
)


def _step(model: torch.nn.Module, method: so.SSLMethod, batch: Any) -> tuple[float, dict, dict]:
    optimizer = torch.optim.SGD([p for p in method.parameters() if p.requires_grad], lr=0.05)
    model.train()
    loss, _ = model(batch)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in method.named_parameters() if p.grad is not None}
    optimizer.step()
    method.after_step()
    value = loss.detach().clone()
    if dist.is_initialized():
        dist.all_reduce(value)
        value /= WORLD
    state = {k: v.detach().clone() for k, v in method.state_dict().items()}
    return float(value), grads, state


def _relative(a: dict, b: dict) -> float:
    assert a.keys() == b.keys(), sorted(set(a) ^ set(b))[:5]
    worst, name = 0.0, ""
    # floor: gradients that are zero in exact arithmetic (a bias before BatchNorm, BERT's key bias) hold
    # rounding noise only; they are compared against 1e-6 of the largest value instead of themselves
    floor = 1e-6 * max(float(v.double().abs().max()) for v in b.values() if v.numel())
    for key in a:
        x, y = a[key].double(), b[key].double()
        rel = float((x - y).abs().max() / y.abs().max().clamp(min=floor))
        if rel > worst:
            worst, name = rel, key
    if os.environ.get("DDP_DEBUG"):
        print("worst", name, worst, flush=True)
    return worst


def steps(rank: int, out: Path, port: int, folder: str) -> None:
    reference = {}
    if rank == 0:  # single process, concatenated batch, before any process group exists
        _fix_masks(slice(None))
        for name in METHODS:
            method = _method(name).double().to(_device(0))
            reference[name] = _step(method, method, _to(_batch(name), _device(0)))
    _fix_masks(slice(rank * ROWS, (rank + 1) * ROWS))
    _init(rank, port)
    report = {}
    for name in METHODS:
        device = _device(rank)
        method = _method(name).double().to(device)
        converted = so.convert_sync_batchnorm(method)
        model = torch.nn.parallel.DistributedDataParallel(
            method,
            device_ids=[device.index] if device.type == "cuda" else None,
            broadcast_buffers=False,
        )
        rows = _rows(_batch(name), slice(rank * ROWS, (rank + 1) * ROWS))
        loss, grads, state = _step(model, unwrap(model), _to(rows, device))
        if rank == 0:
            ref_loss, ref_grads, ref_state = reference[name]
            report[name] = {
                "loss": loss,
                "reference_loss": ref_loss,
                "grad_rel": _relative(grads, ref_grads),
                "state_rel": _relative(state, ref_state),
                "gradients": len(grads),
                "sync_batchnorm": converted,
            }
    report["losses"] = _gathered_losses(rank)
    if rank == 0:
        (out / "steps.json").write_text(json.dumps(report, indent=1))
    _fix_masks(slice(None))
    _pretrain(rank, out, folder, -1)


def gathered_inputs() -> tuple[torch.Tensor, torch.Tensor]:
    """The ``[8, 5]`` float64 embeddings of the loss-level check (rank r holds rows 4r..4r+3)."""
    g = torch.Generator().manual_seed(0)
    z1 = torch.randn(WORLD * ROWS, 5, generator=g, dtype=torch.float64)
    return z1, torch.randn(WORLD * ROWS, 5, generator=g, dtype=torch.float64)


def _gathered_losses(rank: int) -> dict[str, list[dict[str, Any]]]:
    """Each rank's ``gather=True`` loss and its gradient on its rows, gathered to every rank."""
    z1, z2 = gathered_inputs()
    rows = slice(rank * ROWS, (rank + 1) * ROWS)
    mine = {}
    for name in ("barlow_twins_loss", "vicreg_loss", "convirt_loss"):
        a = z1[rows].clone().requires_grad_(True)
        loss = getattr(losses, name)(a, z2[rows].clone(), gather=True)
        loss.backward()
        mine[name] = {"loss": loss.item(), "grad": a.grad.tolist()}
    everyone: list[Any] = [None] * WORLD
    dist.all_gather_object(everyone, mine)
    return {name: [entry[name] for entry in everyone] for name in mine}


def run(rank: int, out: Path, port: int, folder: str, kill_at: int) -> None:
    _init(rank, port)
    _pretrain(rank, out, folder, kill_at)


def _pretrain(rank: int, out: Path, folder: str, kill_at: int) -> None:
    rois = torch.randint(
        0, 256, (24, 40, 40), dtype=torch.uint8, generator=torch.Generator().manual_seed(0)
    )
    torch.manual_seed(0)
    method = so.MoCoV2(so.build_backbone("resnet18"), so.MoCoV2Config(queue_size=32, momentum=0.9))
    calls = [0]

    def on_step(step: int, total: int, loss: torch.Tensor) -> None:
        calls[0] += 1
        if calls[0] == kill_at:
            os._exit(3)

    config = so.PretrainConfig(
        epochs=2,
        batch_size=8,
        recipe=so.OptimizerRecipe("sgd", 0.5, 1e-4, warmup_epochs=1),
        input_size=32,
    )
    device = _device(rank)
    make = so.two_view_batches(rois.to(device), so.TwoViews(so.moco_v2_view(32)), device)
    result = so.pretrain(method, make, len(rois), folder, config, device=device, on_step=on_step)
    if rank == 0:
        (out / f"{Path(folder).name}.json").write_text(
            json.dumps({"resumed_from": result.resumed_from, "losses": result.losses})
        )
    dist.destroy_process_group()


def _init(rank: int, port: int) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    if _device(rank).type == "cuda":
        torch.cuda.set_device(_device(rank))
        torch.backends.cudnn.deterministic = True  # bit-exact resume needs deterministic kernels
        torch.backends.cudnn.benchmark = False
    backend = os.environ.get("DDP_BACKEND", "gloo")
    dist.init_process_group(backend, rank=rank, world_size=WORLD)


def _main() -> None:
    mode, out, port = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    if mode == "steps":
        mp.spawn(steps, args=(out, port, sys.argv[4]), nprocs=WORLD)
    else:
        kill_at = int(sys.argv[5]) if len(sys.argv) > 5 else -1
        mp.spawn(run, args=(out, port, sys.argv[4], kill_at), nprocs=WORLD)


if __name__ == "__main__":
    _main()
