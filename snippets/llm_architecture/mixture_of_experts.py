"""A top-k MoE layer written by hand, checked two ways.

1. Sparse dispatch (group the tokens of each expert, run only those, scatter the results back
   weighted by the gate) equals the dense masked computation (every expert on every token,
   gate weights zero outside the top-k): routing saves compute, it does not change the function.
2. The same layer equals transformers' MixtralSparseMoeBlock with the weights copied in.
All in float64, so any difference beyond rounding would be a bug.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
import torch.nn.functional as F
from transformers import MixtralConfig
from transformers.models.mixtral.modeling_mixtral import MixtralSparseMoeBlock

torch.manual_seed(0)
T, D, D_FF, N_EXPERTS, TOP_K = 64, 16, 32, 8, 2  # tokens, hidden, expert FFN width, experts, k
dt = torch.float64

W_router = torch.randn(N_EXPERTS, D, dtype=dt) * 0.5
W_gate = torch.randn(N_EXPERTS, D_FF, D, dtype=dt) / D**0.5  # SwiGLU experts, like Mixtral's
W_up = torch.randn(N_EXPERTS, D_FF, D, dtype=dt) / D**0.5
W_down = torch.randn(N_EXPERTS, D, D_FF, dtype=dt) / D_FF**0.5
x = torch.randn(T, D, dtype=dt)


def expert(e: int, h: torch.Tensor) -> torch.Tensor:
    return (F.silu(h @ W_gate[e].T) * (h @ W_up[e].T)) @ W_down[e].T


def route(h: torch.Tensor, router_dtype: torch.dtype = dt):
    """softmax over all experts -> keep the top-k -> renormalize so the k weights sum to 1."""
    probs = F.softmax((h @ W_router.T).to(router_dtype), dim=-1)  # (T, N)
    weights, idx = probs.topk(TOP_K, dim=-1)  # (T, k)
    return weights / weights.sum(-1, keepdim=True), idx


def moe_sparse(h: torch.Tensor, router_dtype: torch.dtype = dt) -> torch.Tensor:
    weights, idx = route(h, router_dtype)
    out = torch.zeros_like(h)
    flat_expert = idx.reshape(-1)  # (T*k,) which expert each (token, slot) goes to
    flat_token = torch.arange(len(h)).repeat_interleave(TOP_K)
    flat_weight = weights.reshape(-1)
    for e in range(N_EXPERTS):
        sel = (flat_expert == e).nonzero(as_tuple=True)[0]
        if len(sel) == 0:
            continue
        tokens = flat_token[sel]  # gather: this expert's tokens only
        out.index_add_(0, tokens, flat_weight[sel, None] * expert(e, h[tokens]))  # scatter back
    return out


def moe_dense(h: torch.Tensor) -> torch.Tensor:
    weights, idx = route(h)
    gates = torch.zeros(len(h), N_EXPERTS, dtype=dt).scatter(1, idx, weights)  # 0 outside top-k
    return sum(gates[:, e : e + 1] * expert(e, h) for e in range(N_EXPERTS))


y_sparse, y_dense = moe_sparse(x), moe_dense(x)
diff_dense = (y_sparse - y_dense).abs().max().item()

# Mixtral writes the gate as softmax(TopK(logits)): the same weights as renormalized top-k probs.
weights, idx = route(x)
logits = x @ W_router.T
diff_softmax_topk = (F.softmax(logits.gather(1, idx), dim=-1) - weights).abs().max().item()

config = MixtralConfig(
    hidden_size=D, intermediate_size=D_FF, num_local_experts=N_EXPERTS,
    num_experts_per_tok=TOP_K, hidden_act="silu", experts_implementation="eager",
)  # fmt: skip
block = MixtralSparseMoeBlock(config).to(dt).eval()
with torch.no_grad():
    block.gate.weight.copy_(W_router)
    block.experts.gate_up_proj.copy_(torch.cat([W_gate, W_up], dim=1))  # (N, 2*D_FF, D)
    block.experts.down_proj.copy_(W_down)
    y_mixtral = block(x[None]).squeeze(0)
diff_mixtral = (y_sparse - y_mixtral).abs().max().item()
# Mixtral's router runs its softmax in float32 whatever the model dtype; do the same:
diff_mixtral_fp32 = (moe_sparse(x, router_dtype=torch.float32) - y_mixtral).abs().max().item()


def fmt(d: float) -> str:  # rounding-level differences can vary with BLAS threads: do not print
    return f"{d:.0e}" if d >= 1e-12 else "< 1e-12"


load = torch.bincount(idx.reshape(-1), minlength=N_EXPERTS)
print(f"{T} tokens, {N_EXPERTS} experts, top-{TOP_K}: tokens per expert = {load.tolist()}")
print(f"expert FFN work per token: {TOP_K}/{N_EXPERTS} = {TOP_K / N_EXPERTS:.0%} of running all")
print(f"sparse dispatch vs dense masked        max |diff| = {fmt(diff_dense)}")
print(f"renormalized top-k vs softmax(top-k)   max |diff| = {fmt(diff_softmax_topk)}")
for label, d in [("router fp64", diff_mixtral), ("router fp32", diff_mixtral_fp32)]:
    print(f"hand-written vs MixtralSparseMoeBlock  max |diff| = {fmt(d)}  ({label})")

assert diff_dense < 1e-12, "dispatch must not change the function"
assert diff_softmax_topk < 1e-12
assert diff_mixtral < 1e-5, "same layer up to the float32 router softmax"
assert diff_mixtral_fp32 < 1e-12, "with a float32 router: the same numbers as transformers"
assert load.sum() == T * TOP_K and (load > 0).all()
