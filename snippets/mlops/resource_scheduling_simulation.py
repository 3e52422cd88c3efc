"""Two scheduling lessons from a toy GPU cluster simulator.

1. Gang scheduling: distributed jobs placed pod by pod can deadlock, each holding part of
   the cluster while waiting for the rest; all-or-nothing placement cannot.
2. Bin packing: spreading small jobs over all nodes leaves no node free for a full-node job;
   packing them (best fit) keeps whole nodes free.
"""

NODES, GPUS_PER_NODE = 2, 8


def place(free: list[int], gpus: int, policy: str) -> int | None:
    """Pick a node with enough free GPUs: 'spread' takes the emptiest node (Kubernetes'
    default LeastAllocated scoring), 'pack' the fullest one that still fits (best fit)."""
    fits = [i for i, f in enumerate(free) if f >= gpus]
    if not fits:
        return None
    if policy == "spread":
        return max(fits, key=lambda i: free[i])
    return min(fits, key=lambda i: free[i])


# --- 1. Gang scheduling --------------------------------------------------------------
# Jobs A and B each need 4 workers x 4 GPUs (the whole cluster) for 10 hours. Training
# starts only when all 4 workers of a job are running.
jobs = {"A": 4, "B": 4}  # workers per job, 4 GPUs each
WORKER_GPUS, HOURS = 4, 10


def pod_by_pod() -> dict[str, int]:
    """Workers arrive interleaved (A0, B0, A1, B1, ...) and are placed one at a time."""
    free, placed = [GPUS_PER_NODE] * NODES, {name: 0 for name in jobs}
    for k in range(max(jobs.values())):
        for name, workers in jobs.items():
            node = place(free, WORKER_GPUS, "pack") if k < workers else None
            if node is not None:
                free[node] -= WORKER_GPUS
                placed[name] += 1
    return placed


def reserve(free: list[int], workers: int) -> list[int] | None:
    """Nodes for every worker of a job, or None if they do not all fit right now."""
    trial, nodes = free.copy(), []
    for _ in range(workers):
        node = place(trial, WORKER_GPUS, "pack")
        if node is None:
            return None
        trial[node] -= WORKER_GPUS
        nodes.append(node)
    return nodes


def gang() -> dict[str, int]:
    """All-or-nothing: a job starts only when all its workers fit; otherwise it waits."""
    free, clock, queue = [GPUS_PER_NODE] * NODES, 0, list(jobs)
    running, finish = {}, {}  # name -> (end hour, nodes)
    while queue or running:
        while queue and (nodes := reserve(free, jobs[queue[0]])) is not None:  # FIFO
            for node in nodes:
                free[node] -= WORKER_GPUS
            running[queue.pop(0)] = (clock + HOURS, nodes)
        name = min(running, key=lambda n: running[n][0])  # the next job to finish
        clock, nodes = running.pop(name)
        for node in nodes:
            free[node] += WORKER_GPUS
        finish[name] = clock
    return finish


placed = pod_by_pod()
held = sum(placed.values()) * WORKER_GPUS
running = [name for name, n in placed.items() if n == jobs[name]]
workers = ", ".join(f"{name} {n}/{jobs[name]} workers" for name, n in placed.items())
print(f"pod by pod: {workers} -> {held}/{NODES * GPUS_PER_NODE} GPUs held, "
      f"jobs able to train: {len(running)}")  # fmt: skip
finish = gang()
print("gang:      ", ", ".join(f"{name} finishes at hour {h}" for name, h in finish.items()))
assert held == NODES * GPUS_PER_NODE and running == []  # deadlock: everything held, no progress
assert finish == {"A": 10, "B": 20}

# --- 2. Spread versus pack --------------------------------------------------------------
# Four 8-GPU nodes; eight small jobs arrive, then one job that needs a whole node.
small_jobs, big_job = [2, 2, 2, 2, 4, 4, 4, 4], 8
results = {}
for policy in ("spread", "pack"):
    free = [GPUS_PER_NODE] * 4
    for gpus in small_jobs:
        free[place(free, gpus, policy)] -= gpus
    results[policy] = place(free, big_job, policy) is not None
    print(f"{policy:6s}: free GPUs per node {free} (total {sum(free)}); "
          f"8-GPU job fits: {results[policy]}")  # fmt: skip
assert results == {"spread": False, "pack": True}
