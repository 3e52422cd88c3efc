"""ZeRO stages 1/2/3 and FSDP, by hand: model-state memory per GPU and traffic per step.

The ZeRO paper's accounting for mixed-precision Adam: 2Ψ bytes of fp16/bf16 parameters,
2Ψ of gradients and KΨ of optimizer state (K = 12: fp32 master weights, momentum and
variance). Stage 1 shards the optimizer state over the N data-parallel GPUs, stage 2 also
the gradients, stage 3 also the parameters. The formulas are checked against the paper's
Figure 1 example (Ψ = 7.5B, N = 64), then applied to Llama 3 8B and 70B, whose parameters
are counted on the meta device from their published configurations. Then: traffic per GPU
and step on an assumed 8 x 8 H100 cluster (stated in section 3), HSDP, the unsharded working
set FSDP adds, and the activations ZeRO leaves alone.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
from transformers import LlamaConfig, LlamaForCausalLM

GB = 1e9
K = 12  # bytes of Adam state per parameter: fp32 master weight 4 + momentum 4 + variance 4


def model_states(psi: float, n: int, stage: int) -> float:
    """Bytes per GPU. Stage 0 is plain data parallelism (every GPU holds everything)."""
    params = 2 * psi / (n if stage >= 3 else 1)  # fp16/bf16 weights
    grads = 2 * psi / (n if stage >= 2 else 1)  # fp16/bf16 gradients
    optimizer = K * psi / (n if stage >= 1 else 1)  # fp32 master weights + Adam m, v
    return params + grads + optimizer


def traffic(psi: float, n: int, stage: int) -> float:
    """Elements each GPU sends per step with ring collectives over n GPUs."""
    ring = (n - 1) / n  # a ring reduce-scatter or all-gather sends (n-1)/n of the buffer
    gradients = ring * psi  # reduce-scatter (DP: the first half of its all-reduce)
    parameters = ring * psi  # all-gather (DP: the second half; ZeRO-1/2: the new weights)
    if stage == 3:
        parameters *= 2  # gathered in forward, freed, gathered again in backward
    return gradients + parameters


# 1. The paper's example: a 7.5B model on 64 GPUs (Figure 1).
psi, n = 7.5e9, 64
paper = {0: 120.0, 1: 31.4, 2: 16.6, 3: 1.9}  # GB per GPU in Figure 1
names = ["DP (baseline)", "ZeRO-1 P_os", "ZeRO-2 P_os+g", "ZeRO-3 P_os+g+p"]
formulas = ["(2+2+K)Ψ", "2Ψ+2Ψ+KΨ/N", "2Ψ+(2+K)Ψ/N", "(2+2+K)Ψ/N"]
print(f"ZeRO paper, Figure 1: Ψ = 7.5B, N = {n}, K = {K}")
print(f"  {'stage':17s} {'formula':13s} {'GB/GPU':>7s} {'paper':>6s}")
for stage in range(4):
    gb = model_states(psi, n, stage) / GB
    print(f"  {names[stage]:17s} {formulas[stage]:13s} {gb:7.1f} {paper[stage]:6.1f}")
    assert round(gb, 1) == paper[stage], (stage, gb)

# 2. Real models, counted on the meta device (shapes only, no memory).
CONFIGS = {  # typed in from each model's config.json
    "Llama 3 8B": dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                       num_attention_heads=32, num_key_value_heads=8),
    "Llama 3 70B": dict(hidden_size=8192, intermediate_size=28672, num_hidden_layers=80,
                        num_attention_heads=64, num_key_value_heads=8),
}  # fmt: skip
models = {}
for name, c in CONFIGS.items():
    config = LlamaConfig(vocab_size=128256, tie_word_embeddings=False, **c)
    with torch.device("meta"):
        models[name] = LlamaForCausalLM(config)
counts = {name: sum(p.numel() for p in m.parameters()) for name, m in models.items()}

print("model states per GPU (GB), mixed-precision Adam, 16 bytes per parameter")
print(f"  {'model':12s} {'Ψ':>14s} {'N':>3s}      DP  ZeRO-1  ZeRO-2  ZeRO-3")
for name, n in (("Llama 3 8B", 8), ("Llama 3 70B", 8), ("Llama 3 70B", 64)):
    row = " ".join(f"{model_states(counts[name], n, s) / GB:7.1f}" for s in range(4))
    print(f"  {name:12s} {counts[name]:14,d} {n:3d} {row}")
p8, p70 = counts["Llama 3 8B"], counts["Llama 3 70B"]
assert abs(p8 / 8.03e9 - 1) < 1e-3 and abs(p70 / 70.55e9 - 1) < 1e-3
assert all(model_states(p8, 8, s) < 80 * GB for s in (1, 2, 3)), "8B: any stage fits on 8"
floor = 2 * p70  # ZeRO-2 never shards the bf16 parameters
print(f"  ZeRO-2 floor for 70B: 2Ψ = {floor / GB:.1f} GB of replicated bf16 parameters")
assert model_states(p70, 10**6, 2) > floor > 80 * GB, "ZeRO-1/2 cannot fit 70B on 80 GB"
assert model_states(p70, 64, 3) < 80 * GB < model_states(p70, 8, 3)

# 3. Traffic per GPU and step, 70B on 64 GPUs = 8 nodes x 8 GPUs, bf16 collectives.
# Assumed cluster (H100 nodes as DGX/HGX build them): NVLink inside a node, about 450 GB/s
# per GPU each way; one 400 Gb/s NIC per GPU, 50 GB/s each way, 8 NICs per node.
# NCCL's rings pass through all 8 GPUs of a node over NVLink before they cross to the
# next node, and the node's 8 NICs carry different rings: of what a GPU sends in a
# 64-rank collective, 7/8 goes over NVLink and 1/8 through its NIC. The NIC share sets the
# time; in nccl-tests terms that is the whole volume at a bus bandwidth of 8 x 50 = 400 GB/s.
# Times are ideal (no latency, no congestion) and the collectives must overlap compute.
PER_NODE, NIC, NVLINK = 8, 50 * GB, 450 * GB
TOKENS, FLOPS = 4096, 0.4 * 989e12  # per GPU and step; 40% of an H100's dense bf16 peak
compute = 6 * p70 * TOKENS / FLOPS  # forward + backward: 6 FLOP per parameter and token
dp, z3 = traffic(p70, 64, 0) * 2, traffic(p70, 64, 3) * 2
print("traffic per GPU and step, Llama 3 70B, 8 nodes x 8 GPUs, bf16, one 50 GB/s NIC per GPU")
print(
    f"  {'':19s} {'formula':10s} {'sent GB':>9s} {'via NIC GB':>11s}"
    f" {'NIC time':>10s} {'NVLink time':>12s}"
)
for label, formula, sent in (
    ("DP, ZeRO-1, ZeRO-2", "2Ψ(N-1)/N", dp),
    ("ZeRO-3 / FSDP", "3Ψ(N-1)/N", z3),
):
    nic, nvlink = sent / PER_NODE, sent * (PER_NODE - 1) / PER_NODE
    print(
        f"  {label:19s} {formula:10s} {sent / GB:9.1f} {nic / GB:11.1f}"
        f" {nic / NIC:8.2f} s {nvlink / NVLINK:10.2f} s"
    )
    assert nvlink / NVLINK < nic / NIC, "the NIC, not NVLink, is the bottleneck"
print(f"  ZeRO-3 / DP: {z3 / dp:.2f}x the bytes")
print(f"  compute, {TOKENS} tokens per GPU at 40% of 989 TFLOP/s: {compute:.2f} s per step")
assert abs(z3 / dp - 1.5) < 1e-12
assert z3 / PER_NODE / NIC < compute / 2, "ZeRO-3's NIC time is well under the compute"
for stage in (1, 2):
    assert traffic(p70, 64, stage) == traffic(p70, 64, 0), "ZeRO-1/2 move what DP moves"

# 4. HSDP: shard inside each 8-GPU node, replicate over the 8 nodes, against FSDP over
# all 64 GPUs. HSDP's per-layer all-gathers and reduce-scatters stay on NVLink; between
# nodes each GPU all-reduces its 1/8 gradient shard with the 7 GPUs of the same local
# rank, all on its own NIC. Gradients reduced in bf16 (reduce_dtype=fp32 doubles that).
print("HSDP (shard in a node) vs FSDP over all 64, GB per GPU; via NIC per step")
print(
    f"  {'model':12s} {'HSDP states':>11s} {'fits':>4s} {'via NIC':>8s}"
    f" {'FSDP-64 states':>14s} {'sent':>7s} {'via NIC':>8s}"
)
for name in CONFIGS:
    psi = counts[name]
    hsdp_mem = model_states(psi, 8, 3)  # set by the shard group, not by the 64 GPUs
    hsdp_nic = 2 * (psi / 8) * (7 / 8) * 2  # ring all-reduce of a 1/8 shard over 8 nodes
    flat_mem = model_states(psi, 64, 3)
    flat = traffic(psi, 64, 3) * 2  # every collective spans the 8 nodes
    flat_nic = flat / PER_NODE  # 1/8 of it through the NIC, as above
    fits = "yes" if hsdp_mem < 80 * GB else "no"
    print(
        f"  {name:12s} {hsdp_mem / GB:11.1f} {fits:>4s} {hsdp_nic / GB:8.1f}"
        f" {flat_mem / GB:14.1f} {flat / GB:7.1f} {flat_nic / GB:8.1f}"
    )
    assert flat_nic / 2 < hsdp_nic < flat_nic, "HSDP saves NIC bytes, but less than 2x"
    assert hsdp_mem > 7 * flat_mem, "and holds 8x the model states of FSDP-64"
print(f"  NIC bytes, FSDP-64 / HSDP: {flat_nic / hsdp_nic:.2f}x")
assert model_states(p8, 8, 3) < 80 * GB < model_states(p70, 8, 3)

# 5. What FSDP adds on top of 16Ψ/N: the unsharded unit being computed (and prefetched).
m70 = models["Llama 3 70B"]
layer = sum(p.numel() for p in m70.model.layers[0].parameters())
root = p70 - len(m70.model.layers) * layer  # embeddings, final norm, LM head
print("FSDP working set, Llama 3 70B, one unit per decoder layer, bf16:")
print(f"  one decoder layer: {layer / 1e9:.3f}B parameters = {2 * layer / GB:.2f} GB unsharded")
print(f"  root (embeddings, final norm, LM head): {root / 1e9:.2f}B = {2 * root / GB:.2f} GB")
assert root > 2 * layer, "the root unit is the largest one"

# 6. Activations: per GPU, set by its own micro-batch; ZeRO does not shard them.
L, h = CONFIGS["Llama 3 70B"]["num_hidden_layers"], CONFIGS["Llama 3 70B"]["hidden_size"]
print("activations ZeRO does not shard, Llama 3 70B, micro-batch 1, full checkpointing")
for seq in (4096, 32768):
    kept = L * seq * h * 2  # each layer's bf16 input, kept for the recomputation
    print(f"  {seq:5d} tokens: layer inputs alone {kept / GB:5.1f} GB per GPU, for any N")
ckpt = L * 32768 * h * 2
assert ckpt > model_states(p70, 64, 3), "at 32K tokens activations outweigh ZeRO-3's states"
