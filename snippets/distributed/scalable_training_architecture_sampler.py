"""Data sharding that survives an elastic restart: DistributedSampler, checked.

1. For several world sizes, the ranks' shards are disjoint, equally long (the sampler pads
   by repeating a few samples) and together cover the whole dataset.
2. set_epoch() gives a new shuffle each epoch; without it every epoch repeats the order.
3. The shuffle is one global permutation, whatever the world size, so a job that stops
   after some steps on 4 ranks can resume on 3 ranks: skip what was consumed, shard the rest.
"""

import math
from collections import Counter

import torch
from torch.utils.data import DistributedSampler

N, SEED = 1000, 0
dataset = range(N)  # the sampler only needs len(); the indices stand for the samples


class ResumableSampler(DistributedSampler):
    """DistributedSampler's global order, minus the first `consumed` samples."""

    def __init__(self, num_replicas: int, rank: int, consumed: int = 0) -> None:
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, seed=SEED)
        self.consumed = consumed

    def __iter__(self):
        g = torch.Generator().manual_seed(self.seed + self.epoch)  # as DistributedSampler
        order = torch.randperm(N, generator=g).tolist()[self.consumed :]
        per_rank = math.ceil(len(order) / self.num_replicas)
        order += order[: per_rank * self.num_replicas - len(order)]  # pad to equal shards
        return iter(order[self.rank :: self.num_replicas])

    def __len__(self) -> int:
        return math.ceil((N - self.consumed) / self.num_replicas)


print(f"dataset of {N} samples")
for world in (3, 4, 7):
    shards = [list(DistributedSampler(dataset, world, r, seed=SEED)) for r in range(world)]
    counts = Counter(i for shard in shards for i in shard)
    padded = sum(counts.values()) - N
    assert len(counts) == N and {len(s) for s in shards} == {math.ceil(N / world)}
    assert padded == world * math.ceil(N / world) - N  # only the padding repeats
    print(f"world size {world}: {len(shards[0])} per rank, all {N} covered, {padded} repeated")

sampler = DistributedSampler(dataset, 4, 0, seed=SEED)
epoch_1 = list(sampler)
unchanged = list(sampler) == epoch_1  # a second epoch without set_epoch()
sampler.set_epoch(1)
changed = list(sampler) != epoch_1
print(
    f"without set_epoch() epoch 2 repeats epoch 1: {unchanged}; set_epoch(1) reshuffles: {changed}"
)
assert changed and unchanged
assert list(ResumableSampler(4, 2)) == list(DistributedSampler(dataset, 4, 2, seed=SEED))

# 4 ranks x batch 25 = 100 samples per step; the job dies after 3 steps and restarts on 3.
seen = Counter()
for rank in range(4):
    seen.update(list(ResumableSampler(4, rank))[: 3 * 25])
consumed = sum(seen.values())
for rank in range(3):
    seen.update(ResumableSampler(3, rank, consumed=consumed))
repeated = sum(seen.values()) - N
print(f"stopped after {consumed} samples on 4 ranks, resumed on 3 ranks:")
print(f"  every sample seen: {len(seen) == N}; seen twice: {repeated} (padding)")
assert len(seen) == N and repeated == 3 * math.ceil((N - consumed) / 3) - (N - consumed)
