"""Two LLM decoding techniques on a tiny random decoder-only transformer: a KV cache and
greedy speculative decoding. Both must give exactly the tokens of plain greedy decoding;
what they save is counted (positions computed, forward passes of the large model).
"""

import copy

import torch
from torch import nn
from torch.nn import functional as F

VOCAB, DIM, HEADS, LAYERS, MAX_LEN = 64, 64, 4, 2, 128


class Block(nn.Module):
    """Pre-norm attention + MLP block that can reuse the keys and values of earlier tokens."""

    def __init__(self) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(DIM), nn.LayerNorm(DIM)
        self.qkv, self.proj = nn.Linear(DIM, 3 * DIM), nn.Linear(DIM, DIM)
        self.mlp = nn.Sequential(nn.Linear(DIM, 4 * DIM), nn.GELU(), nn.Linear(4 * DIM, DIM))

    def forward(self, x, cache=None):
        # x: (new_tokens, DIM); cache: (keys, values) of the earlier tokens, or None
        q, k, v = (
            t.view(len(x), HEADS, DIM // HEADS).transpose(0, 1)
            for t in self.qkv(self.ln1(x)).split(DIM, dim=-1)
        )
        if cache is not None:
            k, v = torch.cat([cache[0], k], dim=1), torch.cat([cache[1], v], dim=1)
        past = k.shape[1] - len(x)
        causal = torch.ones(len(x), k.shape[1], dtype=torch.bool).tril(diagonal=past)
        attn = F.scaled_dot_product_attention(q, k, v, attn_mask=causal)
        x = x + self.proj(attn.transpose(0, 1).reshape(len(x), DIM))
        return x + self.mlp(self.ln2(x)), (k, v)


class TinyLM(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.tok, self.pos = nn.Embedding(VOCAB, DIM), nn.Embedding(MAX_LEN, DIM)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.head = nn.Linear(DIM, VOCAB)
        self.positions_computed = 0  # how many token positions went through the model

    def forward(self, tokens, caches=None):
        start = 0 if caches is None else caches[0][0].shape[1]
        self.positions_computed += len(tokens)
        x = self.tok(tokens) + self.pos(torch.arange(start, start + len(tokens)))
        new_caches = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, None if caches is None else caches[i])
            new_caches.append(kv)
        return self.head(x), new_caches


@torch.inference_mode()
def greedy(model, prompt, n_new):
    """No cache: every step runs the whole sequence again (quadratic work)."""
    tokens = prompt.clone()
    for _ in range(n_new):
        logits, _ = model(tokens)
        tokens = torch.cat([tokens, logits[-1].argmax().view(1)])
    return tokens


@torch.inference_mode()
def greedy_kv_cache(model, prompt, n_new):
    """Prefill the prompt once, then feed one new token per step."""
    logits, caches = model(prompt)
    tokens = prompt.clone()
    for step in range(n_new):
        tokens = torch.cat([tokens, logits[-1].argmax().view(1)])
        if step < n_new - 1:  # the last token needs no forward pass of its own
            logits, caches = model(tokens[-1:], caches)
    return tokens


@torch.inference_mode()
def speculative(target, draft, prompt, n_new, k=4):
    """The cheap draft proposes k tokens; one target pass checks all of them at once.
    Keep the longest prefix the target agrees with, plus the target's own next token."""
    tokens, passes, accepted = prompt.clone(), 0, 0
    while len(tokens) < len(prompt) + n_new:
        proposal = greedy(draft, tokens, k)[len(tokens) :]
        logits, _ = target(torch.cat([tokens, proposal]))
        passes += 1
        choice = logits[len(tokens) - 1 :].argmax(-1)  # target's token after each prefix
        n_ok = int((choice[:k] == proposal).long().cumprod(0).sum())
        accepted += n_ok
        tokens = torch.cat([tokens, proposal[:n_ok], choice[n_ok].view(1)])
    return tokens[: len(prompt) + n_new], passes, accepted


torch.manual_seed(0)
target = TinyLM().eval()
draft = copy.deepcopy(target)  # stands in for a small model that mostly agrees with it
with torch.no_grad():
    for p in draft.parameters():
        p.add_(0.05 * p.std() * torch.randn_like(p))
prompt, n_new = torch.randint(VOCAB, (8,)), 40

reference = greedy(target, prompt, n_new)
no_cache_work = target.positions_computed
target.positions_computed = 0
cached = greedy_kv_cache(target, prompt, n_new)
cache_work = target.positions_computed
print(f"KV cache gives the same {n_new} tokens: {torch.equal(cached, reference)}")
print(f"token positions computed: {no_cache_work} without cache, {cache_work} with cache")
assert torch.equal(cached, reference) and cache_work == len(prompt) + n_new - 1

spec, passes, accepted = speculative(target, draft, prompt, n_new, k=4)
print(f"speculative decoding gives the same tokens: {torch.equal(spec, reference)}")
print(f"target forward passes: {passes} instead of {n_new}")
print(f"draft tokens accepted: {accepted} of {4 * passes} proposed")
assert torch.equal(spec, reference) and passes < n_new
