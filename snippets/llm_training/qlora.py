# verify: cuda
"""QLoRA's storage format by hand: NF4, blockwise absmax, double quantization; checked against
bitsandbytes; and the memory arithmetic of fine-tuning LLaMA-65B on one 48 GB GPU.

1. The 16 NF4 levels are built from quantiles of N(0, 1) as the QLoRA paper describes (8 positive
   and 7 negative levels plus an exact zero, normalized to [-1, 1]) and compared with the table
   bitsandbytes hard-codes.
2. Blockwise NF4 (one absmax per 64 weights) written by hand, compared with
   bitsandbytes.functional.quantize_4bit / dequantize_4bit (quant_type="nf4"): same 4-bit codes.
3. Round-trip error on normally distributed weights: NF4 against uniform absmax INT4 with the
   same blocks, and against NF4 with one scale per row. On uniformly distributed weights NF4
   loses to INT4: it is built for normal data.
4. Double quantization: the fp32 absmax constants are themselves quantized (mean subtracted,
   FP8 E4M3, one fp32 scale per 256 constants), from 0.5 to about 0.127 bits per parameter.
5. A QLoRA layer (dequantize to bf16, matmul, plus the LoRA path): scratch against peft's LoRA on
   a bitsandbytes Linear4bit, forward output and input gradient (W is dequantized again in the
   backward pass); only A and B receive gradients.
6. Memory for LLaMA-65B (configuration typed in): 16-bit fine-tuning vs QLoRA, with QLoRA's own
   dtypes (bf16 adapters) and with peft's fp32 defaults.
On an NVIDIA GPU, bitsandbytes runs its CUDA kernels and parts 2 and 5 are checked there.
"""

import math

import bitsandbytes as bnb
import bitsandbytes.functional as bnbF
import torch
from peft import LoraConfig, get_peft_model
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# --- 1. NF4 levels from the normal quantiles ---------------------------------------------------
delta = 1 - (1 / 32 + 1 / 30) / 2  # outermost probability, 0.9677: Φ⁻¹(1) = ∞ cannot be used
pos = torch.special.ndtri(torch.linspace(delta, 0.5, 9, dtype=torch.float64)[:-1])  # 8 levels > 0
neg = -torch.special.ndtri(torch.linspace(delta, 0.5, 8, dtype=torch.float64)[:-1])  # 7 < 0
nf4 = torch.cat([neg, torch.zeros(1, dtype=torch.float64), pos]).sort().values
nf4 = nf4 / nf4.max()  # normalize to [-1, 1]; zero stays exactly representable
table = bnbF.get_4bit_type("nf4", device="cpu").double()  # the values bitsandbytes hard-codes
table_diff = (nf4 - table).abs().max().item()
print(f"NF4 levels from N(0,1) quantiles vs bitsandbytes' table: max |diff| {table_diff:.1e}")
print("  " + " ".join(f"{v:+.4f}" for v in nf4.tolist()))
assert table_diff < 1e-6 and nf4[7] == 0 and len(nf4) == 16


# --- 2. blockwise NF4 by hand vs bitsandbytes --------------------------------------------------
def quantize_blockwise(w, levels, block=64):
    """One absmax per block; each weight -> index of the nearest level of w / absmax."""
    blocks = w.float().reshape(-1, block)
    absmax = blocks.abs().amax(dim=1, keepdim=True)
    midpoints = (levels[1:] + levels[:-1]) / 2
    return torch.bucketize(blocks / absmax, midpoints).to(torch.uint8), absmax


def dequantize_blockwise(idx, absmax, levels, shape):
    return (levels[idx.long()] * absmax).reshape(shape)


levels = nf4.float().to(device)
W = (0.02 * torch.randn(1024, 1024)).to(device)  # LLM-like weights: N(0, 0.02²)
idx, absmax = quantize_blockwise(W, levels)
W_nf4 = dequantize_blockwise(idx, absmax, levels, W.shape)

packed, state = bnbF.quantize_4bit(W, blocksize=64, quant_type="nf4")
bnb_idx = torch.stack([packed.flatten() >> 4, packed.flatten() & 15], dim=1).flatten()  # 2 / byte
differ = bnb_idx != idx.flatten()
mismatch = differ.sum().item()
# a code may differ only for a weight within float rounding (1e-6) of a decision midpoint: another
# kernel (CUDA) may round the scaled weight or its float32 thresholds differently
scaled = (W.reshape(-1, 64) / absmax).flatten()
midpoints = (levels[1:] + levels[:-1]) / 2
near_tie = (scaled[:, None] - midpoints).abs().amin(dim=1) < 1e-6
deq_diff = (bnbF.dequantize_4bit(packed, state) - W_nf4).flatten()[~differ].abs().max().item()
print(
    f"scratch vs bitsandbytes quantize_4bit nf4 ({device}): {mismatch} of {W.numel():,} codes "
    f"differ; dequantized max |diff| {deq_diff:.1e}"
)
assert not (differ & ~near_tie).any()  # same code wherever the choice is not a float-rounding tie
assert deq_diff < 1e-5 * W.abs().max().item()  # one level off would move a value by ~1e-2


# --- 3. round-trip error: NF4 vs INT4 ----------------------------------------------------------
int4 = torch.arange(-7, 8, dtype=torch.float32, device=device) / 7  # absmax INT4: 15 even levels


def rel_mse(w, levels, block):
    i, a = quantize_blockwise(w, levels, block)
    return ((dequantize_blockwise(i, a, levels, w.shape) - w) ** 2).sum().item() / (
        w**2
    ).sum().item()


errs = {
    "NF4, block 64": rel_mse(W, levels, 64),
    "INT4 absmax, block 64": rel_mse(W, int4, 64),
    "NF4, one scale per row": rel_mse(W, levels, W.shape[1]),
}
W_uniform = (torch.rand(1024, 1024) * 2 - 1).to(device)
errs_u = {"NF4": rel_mse(W_uniform, levels, 64), "INT4": rel_mse(W_uniform, int4, 64)}
print("relative round-trip error ||W - Q(W)||² / ||W||², normal weights N(0, 0.02²):")
for k, v in errs.items():
    print(f"  {k:24s} {v:.4f}")
print(f"uniform weights, block 64: NF4 {errs_u['NF4']:.4f}, INT4 {errs_u['INT4']:.4f}")
assert errs["NF4, block 64"] < 0.8 * errs["INT4 absmax, block 64"]
assert errs["NF4, block 64"] < errs["NF4, one scale per row"]
assert errs_u["INT4"] < errs_u["NF4"]  # NF4's advantage comes from the normal shape

# --- 4. double quantization of the absmax constants --------------------------------------------
c2 = absmax.flatten()  # one fp32 constant per 64 weights
mean = c2.mean()
groups = (c2 - mean).reshape(-1, 256)  # second level: blocks of 256 constants
c1 = groups.abs().amax(dim=1, keepdim=True) / torch.finfo(torch.float8_e4m3fn).max  # fp32
c2_fp8 = (groups / c1).to(torch.float8_e4m3fn)
c2_back = (c2_fp8.float() * c1).flatten() + mean
W_dq = dequantize_blockwise(idx, c2_back[:, None], levels, W.shape)

n = W.numel()
bits_plain = (n / 2 + 4 * c2.numel()) * 8 / n  # 4-bit codes + fp32 absmax
bits_dq = (n / 2 + c2_fp8.numel() + 4 * c1.numel() + 4) * 8 / n  # + fp8 absmax, fp32 c1, mean
err_plain = ((W_nf4 - W) ** 2).sum().item() / (W**2).sum().item()
err_dq = ((W_dq - W) ** 2).sum().item() / (W**2).sum().item()
packed2, state2 = bnbF.quantize_4bit(W, blocksize=64, quant_type="nf4", compress_statistics=True)
err_bnb_dq = ((bnbF.dequantize_4bit(packed2, state2) - W) ** 2).sum().item() / (W**2).sum().item()
print(
    f"bits per parameter: NF4 + fp32 absmax {bits_plain:.3f}, with double quantization "
    f"{bits_dq:.3f} (constants {bits_plain - 4:.3f} -> {bits_dq - 4:.3f})"
)
print(
    f"round-trip error with double quantization: {100 * (err_dq / err_plain - 1):+.2f}% (scratch, "
    f"FP8 constants), {100 * (err_bnb_dq / err_plain - 1):+.2f}% (bitsandbytes compress_statistics)"
)
assert abs(bits_plain - 4.5) < 1e-9 and abs(bits_dq - (4 + 8 / 64 + 32 / (64 * 256))) < 1e-4
assert err_dq < 1.01 * err_plain and err_bnb_dq < 1.01 * err_plain

# --- 5. a QLoRA layer: frozen NF4 base dequantized to bf16 + LoRA ------------------------------
d_in, d_out, r, alpha = 256, 128, 8, 16
base = nn.Linear(d_in, d_out, bias=False)
layer4 = bnb.nn.Linear4bit(
    d_in, d_out, bias=False, compute_dtype=torch.bfloat16, quant_type="nf4",
    compress_statistics=False,
)  # fmt: skip
layer4.load_state_dict(base.state_dict())


class Wrap(nn.Module):
    def __init__(self, proj):
        super().__init__()
        self.proj = proj

    def forward(self, x):
        return self.proj(x)


ref = get_peft_model(
    Wrap(layer4).to(device), LoraConfig(r=r, lora_alpha=alpha, target_modules=["proj"])
)
lora_layer = ref.base_model.model.proj
A, B = lora_layer.lora_A["default"].weight, lora_layer.lora_B["default"].weight
with torch.no_grad():
    B.normal_(std=0.02)  # as if trained, so the LoRA path is not zero

# scratch: quantize the same fp32 weight ourselves, dequantize to bf16 in the forward pass
qidx, qabsmax = quantize_blockwise(base.weight.to(device), levels)
# x requires grad, as hidden states do when earlier layers have adapters: bitsandbytes then
# takes its training path (MatMul4Bit), which dequantizes W again in the backward pass
x = torch.randn(4, d_in, device=device, dtype=torch.bfloat16, requires_grad=True)
W_bf16 = dequantize_blockwise(qidx, qabsmax, levels, (d_out, d_in)).to(torch.bfloat16)
s = alpha / r
y_scratch = x @ W_bf16.T + s * (x.float() @ A.detach().T @ B.detach().T).to(x.dtype)
y_ref = ref(x)
rel = ((y_scratch.float() - y_ref.float()).norm() / y_ref.float().norm()).item()
g = torch.randn_like(y_ref)  # gradient arriving from the layers above
y_ref.backward(g)
# by hand: dL/dx = g W (through the dequantized base) + s g B A (through the LoRA path)
gx = g.float() @ W_bf16.float() + s * (g.float() @ B.detach() @ A.detach())
rel_gx = ((x.grad.float() - gx).norm() / gx.norm()).item()
with_grad = sorted(n_ for n_, p in ref.named_parameters() if p.grad is not None)
print(
    f"QLoRA layer, scratch (NF4 -> bf16 matmul + LoRA) vs peft on bnb Linear4bit ({device}): "
    f"relative diff {rel:.1e}, input gradient {rel_gx:.0e}"
)
print(
    f"  base stored as {layer4.weight.dtype}: {layer4.weight.numel():,} bytes for {d_in * d_out:,} "
    f"weights; parameters with a gradient: {', '.join(n_.split('.')[-3] for n_ in with_grad)}"
)
assert rel < 1e-2 and rel_gx < 1e-2  # bf16 compute: ~3 significant digits
assert layer4.weight.numel() == d_in * d_out // 2 and layer4.weight.grad is None
assert len(with_grad) == 2 and all("lora_" in n_ for n_ in with_grad)

# --- 6. memory: LLaMA-65B, 16-bit fine-tuning vs QLoRA ------------------------------------------
V, d, ff, L = 32000, 8192, 22016, 80  # LLaMA-65B: vocab, hidden, FFN, layers (64 heads, no GQA)
linear = L * (4 * d * d + 3 * d * ff)  # q, k, v, o + gate, up, down: these are quantized
other = 2 * V * d + (2 * L + 1) * d  # embeddings, lm_head, RMSNorm weights: kept in 16-bit
total = linear + other
lora_params = L * 64 * (4 * (d + d) + 3 * (d + ff))  # Guanaco: r = 64 on all linear layers
GB = 1e9
full_ft = 12 * total / GB  # bf16 weights 2 + bf16 grads 2 + fp32 Adam m, v 8 bytes/param
full_ft_master = 16 * total / GB  # + an fp32 master copy 4: the usual mixed-precision count
weights_4bit = (linear * (4 + 8 / 64 + 32 / (64 * 256)) / 8 + 2 * other) / GB
dq_saving = linear * (0.5 - 8 / 64 - 32 / (64 * 256)) / 8 / GB
adapters = 12 * lora_params / GB  # bf16 LoRA weights and grads, fp32 AdamW states (paged)
# peft's defaults instead: prepare_model_for_kbit_training casts embeddings, lm_head and norms to
# fp32, and get_peft_model(autocast_adapter_dtype=True) keeps the adapters in fp32 (16 B/param)
weights_peft = (linear * (4 + 8 / 64 + 32 / (64 * 256)) / 8 + 4 * other) / GB
adapters_peft = 16 * lora_params / GB
print(f"LLaMA-65B: {total / 1e9:.1f}B parameters, LoRA r=64 all linear: {lora_params / 1e6:.0f}M")
print(
    f"  16-bit fine-tuning, weights + grads + Adam: {full_ft:.0f} GB at 12 B/param (the paper's "
    f"count), {full_ft_master:,.0f} GB with an fp32 master copy"
)
print(f"  QLoRA: NF4+DQ base {weights_4bit:.1f} GB (DQ saves {dq_saving:.1f} GB) + adapters with")
print(
    f"{'':9s}grads and Adam {adapters:.1f} GB = {weights_4bit + adapters:.1f} GB before activations"
)
print(
    f"  QLoRA with peft's fp32 defaults: {weights_peft:.1f} + {adapters_peft:.1f} = "
    f"{weights_peft + adapters_peft:.1f} GB"
)
assert full_ft > 780  # the paper: "more than 780 GB of GPU memory"
assert weights_peft + adapters_peft > 48  # peft's defaults overshoot a 48 GB GPU
assert weights_4bit + adapters < 48 - 2  # fits a 48 GB GPU with room for checkpointed activations
assert math.isclose(dq_saving, 3.0, rel_tol=0.05)  # the paper: about 3 GB for a 65B model
