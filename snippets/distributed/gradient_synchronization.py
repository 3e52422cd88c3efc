# verify: cuda, cores=2
"""Gradient synchronization by hand and inside DDP, with two processes.

1. Each rank computes the gradient on its own shard; all_reduce(SUM) divided by the world
   size equals the gradient of the combined batch, so every replica takes the same step.
2. The two classic mistakes: SUM without the division gives N times that gradient, and
   all-reducing the parameters themselves multiplies every weight by N.
3. DDP with gradient accumulation: a communication hook counts the all-reduce calls;
   no_sync() skips them on all but the last micro-batch and the gradient is unchanged,
   but only if the forward pass is inside no_sync() too.
With two or more GPUs it uses NCCL and one GPU per rank; otherwise gloo on the CPU.
"""

import os
import socket
import sys
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

WORLD_SIZE = 2
BATCH_PER_RANK = 8
MICRO_BATCHES = 4  # gradient accumulation steps per optimizer step


def make_data(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """The same global data on every rank; each rank then takes its own slice."""
    g = torch.Generator().manual_seed(0)
    n = WORLD_SIZE * MICRO_BATCHES * BATCH_PER_RANK
    X = torch.randn(n, 10, generator=g)
    y = X.sum(1, keepdim=True) + 0.1 * torch.randn(n, 1, generator=g)
    return X.to(device), y.to(device)


def make_model(device: torch.device) -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU())
    return model.append(nn.Linear(256, 1)).to(device)


def grads(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.grad.flatten() for p in model.parameters()])


def close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return torch.allclose(a, b, rtol=1e-4, atol=1e-6)


def manual_all_reduce(rank: int, device: torch.device) -> dict:
    """Checks 1 and 2: averaging gradients by hand, and the two mistakes."""
    X, y = make_data(device)
    shard = slice(rank * BATCH_PER_RANK, (rank + 1) * BATCH_PER_RANK)
    both = slice(0, WORLD_SIZE * BATCH_PER_RANK)  # every rank's shard, combined
    loss_fn = nn.MSELoss()

    reference = make_model(device)  # one process, combined batch
    loss_fn(reference(X[both]), y[both]).backward()
    full_grad = grads(reference)

    model = make_model(device)
    loss_fn(model(X[shard]), y[shard]).backward()  # only this rank's shard
    local_grad = grads(model)
    summed = []
    for p in model.parameters():  # every parameter, after backward, before step()
        if p.grad is None:
            continue
        dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
        summed.append(p.grad.flatten().clone())
        p.grad /= dist.get_world_size()  # SUM then divide = average
    summed_grad = torch.cat(summed)

    weights = torch.cat([p.detach().flatten() for p in model.parameters()])
    wrong = weights.clone()
    dist.all_reduce(wrong, op=dist.ReduceOp.SUM)  # the source's sync_params()
    return {
        "local equals combined": close(local_grad, full_grad),
        "average equals combined": close(grads(model), full_grad),
        "sum / combined": (summed_grad.norm() / full_grad.norm()).item(),
        "weights after SUM / before": (wrong.norm() / weights.norm()).item(),
    }


def ddp_accumulation(rank: int, device: torch.device, mode: str) -> tuple[bool, int]:
    """Check 3: one optimizer step made of MICRO_BATCHES micro-batches per rank."""
    X, y = make_data(device)
    loss_fn = nn.MSELoss()
    reference = make_model(device)  # one process, all micro-batches of all ranks at once
    loss_fn(reference(X), y).backward()

    ddp = DDP(
        make_model(device),
        device_ids=[device.index] if device.type == "cuda" else None,
        bucket_cap_mb=0.1,  # small buckets, so that this small model has several
    )
    calls = [0]

    def counting_hook(state, bucket):  # what DDP does for each bucket, plus a counter
        calls[0] += 1
        buffer = bucket.buffer().div_(dist.get_world_size())
        future = dist.all_reduce(buffer, async_op=True).get_future()
        return future.then(lambda f: f.value()[0])

    ddp.register_comm_hook(None, counting_hook)
    rows = X.view(MICRO_BATCHES, WORLD_SIZE, BATCH_PER_RANK, -1)[:, rank]
    targets = y.view(MICRO_BATCHES, WORLD_SIZE, BATCH_PER_RANK, -1)[:, rank]
    # Warm-up: DDP regroups its buckets in gradient-ready order after the first step.
    loss_fn(ddp(rows[0]), targets[0]).backward()
    ddp.zero_grad(set_to_none=True)
    calls[0] = 0

    for step in range(MICRO_BATCHES):
        last = step == MICRO_BATCHES - 1
        if mode == "no_sync() except the last" and not last:
            with ddp.no_sync():  # forward AND backward inside: no communication
                loss = loss_fn(ddp(rows[step]), targets[step]) / MICRO_BATCHES
                loss.backward()
        elif mode == "no_sync() around backward only" and not last:
            loss = loss_fn(ddp(rows[step]), targets[step]) / MICRO_BATCHES
            with ddp.no_sync():  # too late: the forward pass already armed the sync
                loss.backward()
        else:  # all-reduces the (accumulated) gradients, bucket by bucket
            (loss_fn(ddp(rows[step]), targets[step]) / MICRO_BATCHES).backward()
    return close(grads(ddp.module), grads(reference)), calls[0]


MODES = ("sync every micro-batch", "no_sync() except the last", "no_sync() around backward only")


def worker(rank: int, backend: str, port: int, out_dir: str) -> None:
    device = torch.device(f"cuda:{rank}" if backend == "nccl" else "cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(
        backend, init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=WORLD_SIZE
    )
    try:
        results = manual_all_reduce(rank, device)
        for mode in MODES:
            results[mode] = ddp_accumulation(rank, device, mode)
        if rank == 0:
            torch.save(results, os.path.join(out_dir, "results.pt"))
    finally:
        dist.destroy_process_group()
    # Demo only: a spawned gloo child can abort at interpreter shutdown, so it leaves
    # with os._exit(0). That skips atexit handlers and unflushed writers (loggers,
    # checkpoint writers): in a torchrun job, just return after destroy_process_group().
    sys.stdout.flush()
    os._exit(0)


def free_local_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    backend = "nccl" if torch.cuda.device_count() >= WORLD_SIZE else "gloo"
    print(f"backend {backend}, {WORLD_SIZE} ranks x batch {BATCH_PER_RANK}")
    with tempfile.TemporaryDirectory() as out_dir:
        mp.spawn(worker, args=(backend, free_local_port(), out_dir), nprocs=WORLD_SIZE)
        r = torch.load(os.path.join(out_dir, "results.pt"), weights_only=True)

    print(f"one rank's gradient equals the combined batch's: {r['local equals combined']}")
    print(f"all_reduce(SUM) / world_size equals it:          {r['average equals combined']}")
    print(f"all_reduce(SUM) without dividing: x{r['sum / combined']:.3f} the gradient")
    print(f"all_reduce(SUM) on the weights:   x{r['weights after SUM / before']:.3f} every weight")
    print(f"DDP, {MICRO_BATCHES} micro-batches per step:     same gradient  all-reduce calls")
    for mode in MODES:
        same, calls = r[mode]
        print(f"  {mode:32s} {str(same):13s}  {calls}")

    assert not r["local equals combined"] and r["average equals combined"]
    assert abs(r["sum / combined"] - WORLD_SIZE) < 1e-3
    assert abs(r["weights after SUM / before"] - WORLD_SIZE) < 1e-6
    assert all(r[mode][0] for mode in MODES), "accumulated DDP gradient differs from full batch"
    calls_sync, calls_no_sync, calls_misused = (r[mode][1] for mode in MODES)
    assert calls_sync == MICRO_BATCHES * calls_no_sync, "no_sync() skips all but the last sync"
    assert calls_misused == calls_sync, "no_sync() around backward() alone changes nothing"
