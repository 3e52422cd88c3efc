# verify: cores=2
"""FSDP2 (`fully_shard`) on two CPU processes with gloo: what each rank stores, what it
sends per step, and that training is unchanged.

A toy Transformer-style stack (an input projection, 2 pre-norm MLP blocks, a 1-output
head) is wrapped the usual way: `fully_shard` on every block, then on the whole model.
Each rank trains on its half of the batch. The snippet checks:
  1. every parameter is a DTensor sharded on dim 0: rank r holds torch.chunk(p, 2)[r],
     the two local shards put together are the full parameter, and the gradients and
     Adam's two moments are sharded the same way (ZeRO-3: nothing is replicated);
  2. 3 Adam steps give the same weights as one process training on the whole batch
     (float64; the largest difference must be below 1e-12, rounding only);
  3. bytes sent per step, counted by wrapping the two torch.distributed collectives
     FSDP2 calls (all_gather_single, reduce_scatter_single): with
     reshard_after_forward=True (ZeRO-3) the parameters are all-gathered twice (forward
     and backward) and the gradients reduce-scattered once, 3 x the parameters; with
     False (ZeRO-2-like) the backward all-gather disappears: 2 x;
  4. between forward and backward, True leaves only the shards registered on a block,
     False keeps the whole unsharded block;
  5. MixedPrecisionPolicy(param_dtype=bf16, reduce_dtype=fp32): the sharded parameters and
     Adam's moments stay fp32, all-gathers move 2 bytes per parameter, the gradient
     reduce-scatter 4.
"""

import inspect
import json
import os
import socket
import sys
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch import nn
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard
from torch.distributed.tensor import DTensor, Shard

WORLD_SIZE, BATCH, STEPS, LR = 2, 16, 3, 1e-2  # BATCH: the global batch, split over ranks
IN, D = 8, 16  # input features, hidden size


class Block(nn.Module):
    """A pre-norm residual MLP block, standing in for a Transformer block."""

    def __init__(self) -> None:
        super().__init__()
        self.norm, self.fc1, self.fc2 = nn.LayerNorm(D), nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.fc2(F.gelu(self.fc1(self.norm(x))))


class ToyModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(IN, D)
        self.blocks = nn.ModuleList([Block(), Block()])
        self.head = nn.Linear(D, 1)  # one output row: an uneven shard on purpose

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h)


def make_model(dtype: torch.dtype) -> ToyModel:
    torch.manual_seed(0)
    return ToyModel().to(dtype)


def make_data(dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    X = torch.randn(BATCH, IN, generator=g, dtype=dtype)
    return X, X.sum(1, keepdim=True).sin() + 0.1 * torch.randn(BATCH, 1, generator=g, dtype=dtype)


def count_bytes(traffic: dict, name: str, full_arg: str) -> None:
    """Wrap dist.<name> so that it adds the size of its unsharded buffer to traffic[name]."""
    original = getattr(dist, name)
    signature = inspect.signature(original)

    def wrapper(*args, **kwargs):
        full = signature.bind(*args, **kwargs).arguments[full_arg]
        traffic[name] += full.numel() * full.element_size()
        return original(*args, **kwargs)

    setattr(dist, name, wrapper)


def shard_model(mesh, reshard: bool, mp_policy=None) -> ToyModel:
    dtype = torch.float32 if mp_policy else torch.float64
    model = make_model(dtype)
    kwargs = {"mesh": mesh, "reshard_after_forward": reshard}
    if mp_policy:
        kwargs["mp_policy"] = mp_policy
    for block in model.blocks:  # one all-gather / reduce-scatter group per block
        fully_shard(block, **kwargs)
    fully_shard(model, **kwargs)  # the root: embed and head
    return model


def train(rank: int, mesh, traffic: dict, reshard: bool, mp_policy=None) -> dict:
    model = shard_model(mesh, reshard, mp_policy)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    X, y = make_data(torch.float32 if mp_policy else torch.float64)
    rows = slice(rank * BATCH // WORLD_SIZE, (rank + 1) * BATCH // WORLD_SIZE)
    result = {"bytes": []}
    for step in range(STEPS):
        traffic.update({"all_gather_single": 0, "reduce_scatter_single": 0})
        out = model(X[rows])
        if step == 0:  # what a block holds between its forward and its backward
            w = model.blocks[0].fc1.weight
            result["fc1 rows between fwd and bwd"] = (
                w.to_local().shape[0] if isinstance(w, DTensor) else w.shape[0]
            )
        F.mse_loss(out, y[rows]).backward()  # FSDP averages the gradients over the ranks
        optimizer.step()
        optimizer.zero_grad()
        result["bytes"].append(dict(traffic))
    result["model"], result["optimizer"] = model, optimizer
    return result


def worker(rank: int, port: int, out_dir: str) -> None:
    dist.init_process_group(
        "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=WORLD_SIZE
    )
    try:
        mesh = init_device_mesh("cpu", (WORLD_SIZE,))
        traffic: dict = {}
        count_bytes(traffic, "all_gather_single", "output_tensor")
        count_bytes(traffic, "reduce_scatter_single", "input")

        zero3 = train(rank, mesh, traffic, reshard=True)
        model, optimizer = zero3["model"], zero3["optimizer"]
        shards = {}
        for name, p in model.named_parameters():
            assert isinstance(p, DTensor) and p.placements == (Shard(0),), name
            state = optimizer.state[p]
            assert p.grad is None  # zero_grad() freed the sharded gradient
            assert state["exp_avg"].to_local().shape == p.to_local().shape
            assert state["exp_avg_sq"].to_local().shape == p.to_local().shape
            shards[name] = {
                "full shape": list(p.shape),
                "local rows": p.to_local().shape[0],
                "local": p.to_local().tolist(),
                "full": p.full_tensor().tolist(),  # an all-gather, for the check only
            }
        zero2 = train(rank, mesh, traffic, reshard=False)
        bf16 = MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32)
        mixed = train(rank, mesh, traffic, reshard=True, mp_policy=bf16)
        mixed_p = next(mixed["model"].parameters())
        mixed_state = mixed["optimizer"].state[mixed_p]
        result = {
            "shards": shards,
            "zero3 bytes": zero3["bytes"],
            "zero2 bytes": zero2["bytes"],
            "mixed bytes": mixed["bytes"],
            "fc1 rows zero3": zero3["fc1 rows between fwd and bwd"],
            "fc1 rows zero2": zero2["fc1 rows between fwd and bwd"],
            "mixed dtypes": [
                str(mixed_p.dtype),
                str(mixed_state["exp_avg"].dtype),
                str(mixed_state["exp_avg_sq"].dtype),
            ],
        }
        gathered = [None] * WORLD_SIZE
        dist.all_gather_object(gathered, result)
        if rank == 0:
            with open(os.path.join(out_dir, "ranks.json"), "w") as f:
                json.dump(gathered, f)
    finally:
        dist.destroy_process_group()
    # Demo only: a spawned gloo child can abort at interpreter shutdown, so it leaves
    # with os._exit(0). That skips atexit handlers and unflushed writers (loggers,
    # checkpoint writers): in a torchrun job, just return after destroy_process_group().
    sys.stdout.flush()
    os._exit(0)


def single_process_reference(rows: slice = slice(None)) -> dict[str, torch.Tensor]:
    """One process, plain Adam on the whole batch: what FSDP must reproduce."""
    model, (X, y) = make_model(torch.float64), make_data(torch.float64)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    for _ in range(STEPS):
        F.mse_loss(model(X[rows]), y[rows]).backward()
        optimizer.step()
        optimizer.zero_grad()
    return {name: p.detach() for name, p in model.named_parameters()}


def free_local_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as out_dir:
        mp.spawn(worker, args=(free_local_port(), out_dir), nprocs=WORLD_SIZE)
        with open(os.path.join(out_dir, "ranks.json")) as f:
            ranks = json.load(f)

    reference = single_process_reference()
    psi = sum(p.numel() for p in reference.values())  # parameters, Ψ
    padded = 0  # what the collectives move: each parameter padded to a multiple of N rows
    held = [0] * WORLD_SIZE
    max_diff = 0.0
    print(f"toy model: {psi} parameters, {WORLD_SIZE} ranks (gloo, CPU), batch {BATCH}")
    print("parameter              full shape   rows on rank 0, 1")
    for name, ref in reference.items():
        per_rank = [r["shards"][name] for r in ranks]
        full = torch.tensor(per_rank[0]["full"], dtype=torch.float64)
        local = [torch.tensor(s["local"], dtype=torch.float64) for s in per_rank]
        # the local shards are torch.chunk(p, N, dim=0), and together they are p
        expected_rows = [c.shape[0] for c in ref.chunk(WORLD_SIZE, dim=0)]
        expected_rows += [0] * (WORLD_SIZE - len(expected_rows))  # chunk() may return fewer
        assert [s["local rows"] for s in per_rank] == expected_rows, name
        assert torch.equal(torch.cat([t.reshape(-1, *ref.shape[1:]) for t in local]), full)
        for r, t in enumerate(local):
            held[r] += t.numel()
        rows = -(-ref.shape[0] // WORLD_SIZE) * WORLD_SIZE
        padded += rows * ref[0].numel()
        max_diff = max(max_diff, (full - ref).abs().max().item())
        if name.startswith(("embed", "blocks.0", "head")):
            rows_text = ", ".join(str(n) for n in expected_rows)
            print(f"{name:22s} {str(tuple(ref.shape)):12s} {rows_text}")
    print("blocks.1.*             (as blocks.0)")
    assert sum(held) == psi, "the shards partition the parameters: nothing is replicated"
    print(f"parameters held per rank: {held[0]}, {held[1]} of {psi}")
    print(f"after {STEPS} Adam steps, FSDP vs one process on the whole batch:")
    # float64 rounding only; the exact value depends on the thread count, so print the bound
    print(f"  max |difference| < 1e-12 (float64): {max_diff < 1e-12}")
    assert max_diff < 1e-12, max_diff
    half = single_process_reference(slice(0, BATCH // WORLD_SIZE))  # rank 0's rows only
    control = max((half[n] - reference[n]).abs().max().item() for n in reference)
    print(f"  (one process on rank 0's half only differs by {control:.3f})")
    assert control > 1e-3, "the check can fail: without the other rank's gradients it does"

    print(f"traffic per step and rank, in units of the padded parameter count {padded}:")
    volumes = {}
    for label, key, elem_bytes in (
        ("reshard_after_forward=True  (ZeRO-3)", "zero3 bytes", 8),
        ("reshard_after_forward=False (ZeRO-2-like)", "zero2 bytes", 8),
    ):
        for step_bytes in ranks[0][key] + ranks[1][key]:  # every step on every rank
            assert step_bytes == ranks[0][key][0], "the same traffic every step"
        ag = ranks[0][key][0]["all_gather_single"] / elem_bytes / padded
        rs = ranks[0][key][0]["reduce_scatter_single"] / elem_bytes / padded
        volumes[key] = ag + rs
        print(f"  {label:42s} all-gather {ag:.2f}  reduce-scatter {rs:.2f}  total {ag + rs:.2f}")
    assert volumes["zero3 bytes"] == 3 and volumes["zero2 bytes"] == 2
    print(f"  ZeRO-3 / ZeRO-2-like = {volumes['zero3 bytes'] / volumes['zero2 bytes']:.2f}")

    rows3, rows2 = ranks[0]["fc1 rows zero3"], ranks[0]["fc1 rows zero2"]
    print(f"rows of blocks.0.fc1.weight kept from forward to backward: True {rows3}, False {rows2}")
    assert rows3 == 4 * D // WORLD_SIZE and rows2 == 4 * D

    mixed = ranks[0]["mixed bytes"][0]
    print("MixedPrecisionPolicy(param_dtype=bf16, reduce_dtype=fp32), fp32 model:")
    print(f"  sharded parameter, Adam exp_avg, exp_avg_sq: {', '.join(ranks[0]['mixed dtypes'])}")
    ag_bytes = mixed["all_gather_single"] / (2 * padded)  # per all-gather and parameter
    rs_bytes = mixed["reduce_scatter_single"] / padded
    print(f"  bytes per parameter: each all-gather {ag_bytes:.1f}, reduce-scatter {rs_bytes:.1f}")
    assert ranks[0]["mixed dtypes"] == ["torch.float32"] * 3
    assert ag_bytes == 2 and rs_bytes == 4
