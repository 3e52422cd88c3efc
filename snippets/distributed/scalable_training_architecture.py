"""A back-of-the-envelope plan for training a 70B model on 512 GPUs with 3D parallelism.

For a few layouts (tensor-parallel degree t, pipeline stages p, data-parallel degree d,
ZeRO stage, 0 meaning plain DDP) it estimates memory per GPU, the pipeline bubble and
the bytes each GPU moves per step, then the length of the whole run from the
6 * parameters * tokens rule and how often to checkpoint it.
The formulas are the usual first-order ones (bf16 mixed precision with Adam, activation
checkpointing at layer boundaries, flash attention, sequence parallelism); a real plan
is then checked by profiling a few steps.
"""

from dataclasses import dataclass

# The model and the data (Llama-2-70B-like) and the cluster (H100 80 GB, 8 per node).
PARAMS, LAYERS, HIDDEN, SEQ = 70e9, 80, 8192, 4096
GLOBAL_BATCH, MICRO_BATCH, TOKENS = 1024, 1, 2e12  # sequences per step, per micro-batch
GPUS, PER_NODE, GPU_GB, PEAK_FLOPS, MFU = 512, 8, 80, 989e12, 0.40
GB = 1e9
GPU_DAYS_PER_FAILURE, WRITE_GB_S = 2000, 100  # failure rate; storage write bandwidth
NIC_GB_S = 50  # assumed: one 400 Gb/s NIC per GPU, 8 per node (DGX/HGX H100 layout)


@dataclass
class Plan:
    t: int  # tensor-parallel degree (inside a node)
    p: int  # pipeline stages
    zero: int  # over the data-parallel group: 0 (plain DDP), 1 (optimizer state), 3 (all)

    @property
    def d(self) -> int:
        return GPUS // (self.t * self.p)

    @property
    def micro_batches(self) -> int:  # per data-parallel replica and step
        return GLOBAL_BATCH // (self.d * MICRO_BATCH)

    def memory_gb(self) -> float:
        shard = PARAMS / (self.t * self.p)  # parameters this GPU is responsible for
        # DDP: all 16 bytes per parameter replicated; ZeRO-1: bf16 weights and grads
        # replicated, fp32 Adam state (12 bytes) sharded; ZeRO-3 / FSDP: all 16 sharded,
        # plus transient unsharded bf16 buffers: the layer being computed, the prefetched
        # next layer and, in backward, one layer's gradients before the reduce-scatter.
        states = {
            0: 16 * shard,
            1: 4 * shard + 12 * shard / self.d,
            3: 16 * shard / self.d + 3 * 2 * PARAMS / LAYERS / self.t,
        }[self.zero]
        sbh = SEQ * MICRO_BATCH * HIDDEN
        in_flight = min(self.p, self.micro_batches)  # 1F1B: stage 0 holds p micro-batches
        checkpoints = in_flight * (LAYERS / self.p) * 2 * sbh / self.t  # layer inputs, bf16
        working = 34 * sbh / self.t  # one layer's activations while it is recomputed
        return (states + checkpoints + working) / GB

    def bubble(self) -> float:
        return (self.p - 1) / (self.micro_batches + self.p - 1)

    def dp_traffic_gb(self) -> float:
        """Bytes each GPU sends per step in the data-parallel ring collectives: the gradient
        sync and, with ZeRO-3, the parameter all-gathers. One forward-backward is counted;
        with gradient accumulation ZeRO-3 gathers the weights again for every micro-batch."""
        grad_bytes = 2 * PARAMS / (self.t * self.p)
        factor = 3 if self.zero == 3 else 2  # all-reduce = reduce-scatter + all-gather;
        # ZeRO-3 gathers the parameters once more (forward and backward)
        return factor * (self.d - 1) / self.d * grad_bytes / GB

    def nic_gb(self) -> float:
        """The part of dp_traffic_gb that leaves the node through this GPU's own NIC.

        Ranks are numbered tensor-parallel first, then data-parallel (Megatron's order), so a
        node holds PER_NODE // t ranks of one data-parallel group. NCCL's rings go through
        those ranks over NVLink and cross each node boundary once, and the node's NICs carry
        different rings: 1/(ranks per node) of the traffic goes through each GPU's NIC."""
        local = min(self.d, PER_NODE // self.t)
        return 0.0 if local == self.d else self.dp_traffic_gb() / local

    def tp_traffic_gb(self) -> float:
        """Activation all-reduces: 4 per layer (2 forward, 2 backward), over NVLink."""
        per_all_reduce = 2 * (self.t - 1) / self.t * 2 * SEQ * MICRO_BATCH * HIDDEN
        return 4 * per_all_reduce * (LAYERS / self.p) * self.micro_batches / GB


plans = [
    Plan(1, 1, 0),
    Plan(1, 1, 1),
    Plan(1, 1, 3),
    Plan(8, 1, 1),
    Plan(8, 2, 1),
    Plan(8, 4, 1),
    Plan(4, 8, 1),
]
plans.append(Plan(8, 16, 1))
print(f"70B model, {LAYERS} layers, seq {SEQ}, {GLOBAL_BATCH} sequences per step; {GPUS} GPUs")
print("  t   p    d  ZeRO  micro  GB/GPU  fits  bubble  DP GB/step  via NIC  NIC s  TP GB/step")
for plan in plans:
    fits = plan.memory_gb() < 0.9 * GPU_GB  # keep 10% for buffers and fragmentation
    print(
        f"{plan.t:3d} {plan.p:3d} {plan.d:4d} {plan.zero:5d} {plan.micro_batches:6d}"
        f" {plan.memory_gb():7.1f}  {'yes' if fits else 'no':>4s} {plan.bubble():7.3f}"
        f" {plan.dp_traffic_gb():11.2f} {plan.nic_gb():8.2f} {plan.nic_gb() / NIC_GB_S:6.2f}"
        f" {plan.tp_traffic_gb():11.1f}"
    )

ddp, zero1, fsdp, three_d = plans[0], plans[1], plans[2], plans[5]
assert ddp.memory_gb() > 1000, "plain DDP replicates all 16 bytes/parameter: about 1.1 TB"
assert zero1.memory_gb() > GPU_GB, "sharding only the optimizer state is not enough"
assert fsdp.memory_gb() < 0.9 * GPU_GB and three_d.memory_gb() < 0.9 * GPU_GB
assert abs(zero1.dp_traffic_gb() / ddp.dp_traffic_gb() - 1) < 1e-9, "ZeRO-1 moves as DDP"
assert abs(fsdp.dp_traffic_gb() / ddp.dp_traffic_gb() - 1.5) < 1e-9, "ZeRO-3 moves 1.5x"
assert three_d.nic_gb() < fsdp.nic_gb() / 5, "3D sends over 5x fewer bytes per NIC"
assert all(plan.t <= PER_NODE for plan in plans), "tensor parallelism stays inside a node"

flops = 6 * PARAMS * TOKENS  # forward + backward, per token and parameter
days = flops / (GPUS * PEAK_FLOPS * MFU) / 86400
step_s = 6 * PARAMS * GLOBAL_BATCH * SEQ / (GPUS * PEAK_FLOPS * MFU)
print(f"compute: 6 x 70e9 x 2e12 tokens = {flops:.2e} FLOP")
print(f"at {MFU:.0%} MFU: {step_s:.1f} s per step, {days:.0f} days for the run")
assert fsdp.nic_gb() / NIC_GB_S < step_s / 4, "ZeRO-3's NIC time is a fraction of a step"

# Fault tolerance: how often to checkpoint (Young's rule: sqrt(2 x cost x MTBF)).
ckpt_gb = 14 * PARAMS / GB  # bf16 weights + fp32 master weights + Adam moments
ckpt_s = ckpt_gb / WRITE_GB_S  # every rank writes its shard in parallel
mtbf_s = GPU_DAYS_PER_FAILURE / GPUS * 86400
interval_s = (2 * ckpt_s * mtbf_s) ** 0.5
overhead = ckpt_s / interval_s + interval_s / (2 * mtbf_s)  # writing + recomputing lost work
print(f"checkpoint {ckpt_gb:.0f} GB at {WRITE_GB_S} GB/s: {ckpt_s:.1f} s to write")
print(f"a failure every {mtbf_s / 86400:.1f} days, about {days * 86400 / mtbf_s:.0f} in the run")
print(f"checkpoint every {interval_s / 60:.0f} min: {overhead:.1%} of the time lost")
assert overhead < 0.02
