"""Opt-in DDP gathering: two gloo processes on the CPU reproduce the single-process global-batch loss."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import torch
from ssl_objectives.losses import barlow_twins_loss, convirt_loss, vicreg_loss

WORKER = textwrap.dedent(
    """
    import json, os, sys
    import torch
    import torch.distributed as dist
    from ssl_objectives.losses import barlow_twins_loss, convirt_loss, vicreg_loss

    def run(rank, world, out, port):
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
        dist.init_process_group("gloo", rank=rank, world_size=world)
        g = torch.Generator().manual_seed(0)
        z1 = torch.randn(8, 5, generator=g, dtype=torch.float64)
        z2 = torch.randn(8, 5, generator=g, dtype=torch.float64)
        rows = slice(rank * 4, rank * 4 + 4)
        result = {}
        for name, fn in (("barlow", barlow_twins_loss), ("vicreg", vicreg_loss), ("convirt", convirt_loss)):
            a = z1[rows].clone().requires_grad_(True)
            b = z2[rows].clone().requires_grad_(True)
            loss = fn(a, b, gather=True)
            loss.backward()
            result[name] = {"loss": loss.item(), "grad": a.grad.tolist()}
        with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
            json.dump(result, f)
        dist.destroy_process_group()

    if __name__ == "__main__":
        import torch.multiprocessing as mp
        mp.spawn(run, args=(2, sys.argv[1], int(sys.argv[2])), nprocs=2)
    """
)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gathered_losses_equal_the_global_batch(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    subprocess.run(
        [sys.executable, str(script), str(tmp_path), str(_free_port())], check=True, timeout=300
    )
    g = torch.Generator().manual_seed(0)
    z1 = torch.randn(8, 5, generator=g, dtype=torch.float64)
    z2 = torch.randn(8, 5, generator=g, dtype=torch.float64)
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    for name, fn in (("barlow", barlow_twins_loss), ("vicreg", vicreg_loss)):
        full = z1.clone().requires_grad_(True)
        loss = fn(full, z2)
        loss.backward()
        # Barlow: every rank computes the global loss. VICReg: the invariance term stays local (official),
        # so the ranks' mean is the global loss.
        rank_losses = [result[name]["loss"] for result in ranks]
        assert abs(sum(rank_losses) / 2 - loss.item()) < 1e-10
        if name == "barlow":
            assert all(abs(value - loss.item()) < 1e-10 for value in rank_losses)
        for rank, result in enumerate(ranks):
            # each rank's slice gets world_size x its share; DDP's averaging over ranks restores it
            grad = torch.tensor(result[name]["grad"], dtype=torch.float64)
            assert torch.allclose(grad, 2 * full.grad[rank * 4 : rank * 4 + 4], atol=1e-10), name
    # ConVIRT: local anchors against global candidates; the mean of the ranks' losses is the global loss
    global_loss = convirt_loss(z1, z2).item()
    assert (
        abs((ranks[0]["convirt"]["loss"] + ranks[1]["convirt"]["loss"]) / 2 - global_loss) < 1e-10
    )
