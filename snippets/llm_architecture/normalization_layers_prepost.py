"""Pre-LN vs Post-LN: where the LayerNorm sits, and the gradients at initialization.

The two blocks are written out by hand and checked against nn.TransformerEncoderLayer
(norm_first=True / False). Then toy stacks of 6, 12 and 24 blocks (Xavier init, as in Xiong
et al. 2020) get one backward pass of a cross-entropy loss on random tokens, and we measure
the gradient norm of the last block's FFN output matrix W2 (the quantity of Xiong et al.'s
Theorem 1) and the residual stream's std. Averaged over 3 seeds.
"""

import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)  # tiny matrices: extra threads only add synchronization overhead
D, HEADS, FF, T, B, VOCAB = 64, 4, 256, 16, 4, 100


def attn(layer, x):
    return layer.self_attn(x, x, x, need_weights=False)[0]


def ffn(layer, x):
    return layer.linear2(F.relu(layer.linear1(x)))


def post_ln_block(layer, x):
    """Original Transformer: sublayer, add the residual, then normalize the sum."""
    x = layer.norm1(x + attn(layer, x))
    return layer.norm2(x + ffn(layer, x))


def pre_ln_block(layer, x):
    """GPT-2 / Llama style: normalize the sublayer's input; the residual path is untouched."""
    x = x + attn(layer, layer.norm1(x))
    return x + ffn(layer, layer.norm2(x))


def make_stack(n_layers: int, pre_ln: bool, seed: int):
    torch.manual_seed(seed)
    layers = nn.ModuleList(
        nn.TransformerEncoderLayer(
            D, HEADS, FF, dropout=0.0, batch_first=True, norm_first=pre_ln, dtype=torch.float64
        )
        for _ in range(n_layers)
    )
    for p in layers.parameters():
        if p.dim() > 1:
            nn.init.xavier_uniform_(p)
    return layers


# 1) the hand-written blocks equal PyTorch's
x = torch.randn(B, T, D, dtype=torch.float64)
for pre_ln, block in ((False, post_ln_block), (True, pre_ln_block)):
    layer = make_stack(1, pre_ln, seed=0)[0]
    diff = (block(layer, x) - layer(x)).abs().max().item()
    assert diff < 1e-12, diff
print("hand-written Post-LN / Pre-LN blocks == nn.TransformerEncoderLayer: max |diff| < 1e-12")


# 2) gradient norm of the last block's W2 at initialization, and the residual stream's std
def last_w2_grad(n_layers: int, pre_ln: bool, seed: int):
    layers = make_stack(n_layers, pre_ln, seed)
    embed = nn.Embedding(VOCAB, D, dtype=torch.float64)
    final_norm = nn.LayerNorm(D, dtype=torch.float64)  # Pre-LN needs a final LayerNorm
    head = nn.Linear(D, VOCAB, dtype=torch.float64)
    gen = torch.Generator().manual_seed(123)
    tokens = torch.randint(0, VOCAB, (B, T), generator=gen)
    targets = torch.randint(0, VOCAB, (B, T), generator=gen)
    h = embed(tokens)
    for layer in layers:
        h = pre_ln_block(layer, h) if pre_ln else post_ln_block(layer, h)
    residual_std = h.std().item()
    if pre_ln:
        h = final_norm(h)
    F.cross_entropy(head(h).reshape(-1, VOCAB), targets.reshape(-1)).backward()
    return layers[-1].linear2.weight.grad.norm().item(), residual_std


def averaged(n_layers: int, pre_ln: bool):
    runs = [last_w2_grad(n_layers, pre_ln, seed) for seed in range(3)]
    return sum(g for g, _ in runs) / len(runs), sum(s for _, s in runs) / len(runs)


DEPTHS = (6, 12, 24)
results = {(n, pre): averaged(n, pre) for n in DEPTHS for pre in (False, True)}

print("toy stacks, random tokens: last layer's ||dLoss/dW2|| and the residual stream's std")
print("  depth   Post-LN   Pre-LN   Pre-LN x sqrt(L)   Post/Pre   std Post-LN   std Pre-LN")
for n in DEPTHS:
    (post, post_std), (pre, pre_std) = results[(n, False)], results[(n, True)]
    print(
        f"  {n:5d}   {post:7.3f}   {pre:6.3f}   {pre * n**0.5:16.2f}   {post / pre:8.2f}"
        f"   {post_std:11.2f}   {pre_std:10.2f}"
    )

last_post = [results[(n, False)][0] for n in DEPTHS]
last_pre = [results[(n, True)][0] for n in DEPTHS]
pre_scaled = [g * n**0.5 for g, n in zip(last_pre, DEPTHS, strict=True)]
ratios = [p / q for p, q in zip(last_post, last_pre, strict=True)]
# Xiong et al., Theorem 1 (bounds): near the output, Post-LN's gradient does not shrink with
# depth, Pre-LN's shrinks like 1/sqrt(L); so the gap grows with depth.
assert max(last_post) / min(last_post) < 1.5, "Post-LN: roughly independent of depth"
assert last_pre[0] > last_pre[1] > last_pre[2], "Pre-LN: shrinks as the stack gets deeper"
assert max(pre_scaled) / min(pre_scaled) < 1.3, "Pre-LN x sqrt(L): roughly constant"
assert ratios[0] < ratios[1] < ratios[2] and ratios[2] > 3, ratios
# Pre-LN's price: the un-normalized residual stream grows like sqrt(L); Post-LN's stays at 1
pre_std = [results[(n, True)][1] for n in DEPTHS]
assert 1.6 < pre_std[2] / pre_std[0] < 2.4, "std ratio 24 vs 6 layers near sqrt(4) = 2"
assert all(abs(results[(n, False)][1] - 1) < 0.05 for n in DEPTHS)
