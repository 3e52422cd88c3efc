# verify: cuda, cores=2
"""Data-parallel training with DistributedDataParallel (DDP), two processes.

Each process (rank) holds a full replica of the model and trains on its own shard of
the data (DistributedSampler). During backward(), DDP all-reduces the gradients, so
every replica applies the same averaged update. We check two things:
  1. after training, the replicas' weights are identical;
  2. the result equals one process training on both ranks' batches combined
     (DDP with B samples per rank on N ranks = one process with batch N * B).
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
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

WORLD_SIZE = 2
BATCH_PER_RANK = 16
EPOCHS = 3
LR = 0.05


def make_dataset() -> TensorDataset:
    g = torch.Generator().manual_seed(0)
    X = torch.randn(256, 10, generator=g)
    y = X @ torch.randn(10, 1, generator=g) + 0.1 * torch.randn(256, 1, generator=g)
    return TensorDataset(X, y)


def make_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))


def flat_params(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in model.parameters()])


def train_replica(rank: int, device: torch.device, out_dir: str) -> None:
    dataset = make_dataset()
    sampler = DistributedSampler(dataset, num_replicas=WORLD_SIZE, rank=rank, seed=0)
    loader = DataLoader(dataset, batch_size=BATCH_PER_RANK, sampler=sampler)
    model = DDP(make_model().to(device), device_ids=[rank] if device.type == "cuda" else None)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()
    for epoch in range(EPOCHS):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        sums = torch.zeros(2, device=device)  # (sum of losses, number of samples)
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(X), y)
            loss.backward()  # gradients are all-reduced (averaged) across ranks here
            optimizer.step()
            sums += torch.stack([loss.detach() * len(X), torch.tensor(len(X), device=device)])
        dist.all_reduce(sums)  # add up the statistics of all ranks
        if rank == 0:
            print(f"epoch {epoch}: mean training loss {(sums[0] / sums[1]).item():.4f}")
    params = flat_params(model.module)
    gathered = [torch.empty_like(params) for _ in range(WORLD_SIZE)]
    dist.all_gather(gathered, params)  # every rank's weights, to compare them
    if rank == 0:
        torch.save([p.cpu() for p in gathered], os.path.join(out_dir, "replicas.pt"))


def worker(rank: int, backend: str, port: int, out_dir: str) -> None:
    device = torch.device(f"cuda:{rank}" if backend == "nccl" else "cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(
        backend, init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=WORLD_SIZE
    )
    try:
        train_replica(rank, device, out_dir)
    finally:
        dist.destroy_process_group()
    # Demo only: gloo's worker threads can outlive destroy_process_group() and abort a
    # spawned child at interpreter shutdown (SIGABRT, "terminate called without an
    # active exception"). The work is saved, so this demo leaves with os._exit(0). That
    # skips atexit handlers and unflushed writers (loggers, W&B, async checkpoint
    # writers): in a torchrun job, just return after destroy_process_group().
    sys.stdout.flush()
    os._exit(0)


def single_process_reference() -> torch.Tensor:
    """One process, one model; each step uses the batches all ranks would have used."""
    dataset, model = make_dataset(), make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    samplers = [
        DistributedSampler(dataset, num_replicas=WORLD_SIZE, rank=r, seed=0)
        for r in range(WORLD_SIZE)
    ]
    for epoch in range(EPOCHS):
        for sampler in samplers:
            sampler.set_epoch(epoch)
        loaders = [DataLoader(dataset, batch_size=BATCH_PER_RANK, sampler=s) for s in samplers]
        for batches in zip(*loaders, strict=True):
            X = torch.cat([X for X, _ in batches])
            y = torch.cat([y for _, y in batches])
            optimizer.zero_grad()
            nn.functional.mse_loss(model(X), y).backward()
            optimizer.step()
    return flat_params(model)


def free_local_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    backend = "nccl" if torch.cuda.device_count() >= WORLD_SIZE else "gloo"
    print(f"backend {backend}, {WORLD_SIZE} ranks x batch {BATCH_PER_RANK}")
    with tempfile.TemporaryDirectory() as out_dir:
        mp.spawn(worker, args=(backend, free_local_port(), out_dir), nprocs=WORLD_SIZE)
        replicas = torch.load(os.path.join(out_dir, "replicas.pt"), weights_only=True)

    identical = all(torch.equal(replicas[0], r) for r in replicas[1:])
    max_diff = (replicas[0] - single_process_reference()).abs().max().item()
    print(f"replicas identical after training: {identical}")
    print(
        f"same weights as one process with batch {WORLD_SIZE * BATCH_PER_RANK}: {max_diff < 1e-5}"
    )
    assert identical, "DDP replicas diverged"
    assert max_diff < 1e-5, f"DDP differs from the single-process reference by {max_diff}"
