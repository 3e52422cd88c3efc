# verify: timeout=120
"""Toy forgetting experiment: fine-tune on task B with and without replaying task A.

A tiny LlamaForCausalLM (random init, float64) is first trained on task A ("pre-training"):
sequences that start with tag 0 and count up by 1. Then it is fine-tuned on task B (tag 1,
count up by 3) in three ways, from the same checkpoint and with the same B batches:
  B only           - the usual SFT run on the new data;
  B + 25% replay   - a quarter of every batch is task-A data (the "data mixing" fix);
  B only, lr / 10  - a smaller learning rate.
A's and B's losses are measured on held-out sequences. A toy: the numbers show the direction
of the effect, not what a real LLM would lose.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import copy

import torch
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
V, T, N_TOK = 40, 12, 38  # vocabulary; sequence length; tokens 2..39 carry the counting


def task(tag: int, step: int, n: int, gen: torch.Generator) -> torch.Tensor:
    start = torch.randint(0, N_TOK, (n, 1), generator=gen)
    body = (start + step * torch.arange(T - 1)) % N_TOK + 2
    return torch.cat([torch.full((n, 1), tag), body], dim=1)


gen = torch.Generator().manual_seed(0)
test_a, test_b = task(0, 1, 256, gen), task(1, 3, 256, gen)
config = LlamaConfig(
    vocab_size=V, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
    num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=T,
)  # fmt: skip
model = LlamaForCausalLM(config).to(torch.float64)


def loss_on(m: LlamaForCausalLM, data: torch.Tensor) -> float:
    with torch.no_grad():
        return m(data, labels=data, use_cache=False).loss.item()


def train(m: LlamaForCausalLM, batches: list[torch.Tensor], lr: float) -> LlamaForCausalLM:
    opt = torch.optim.AdamW(m.parameters(), lr=lr, weight_decay=0.0)
    m.train()
    for x in batches:
        loss = m(x, labels=x, use_cache=False).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    return m.eval()


pretrain = [task(0, 1, 32, gen) for _ in range(120)]
base = train(model, pretrain, lr=3e-3)
base_a, base_b = loss_on(base, test_a), loss_on(base, test_b)
print(f"toy 'pre-trained' model: loss on A {base_a:.3f}, on B {base_b:.3f}")

b_batches = [task(1, 3, 32, gen) for _ in range(80)]
replay = [torch.cat([b[:24], task(0, 1, 8, gen)]) for b in b_batches]  # 24 B + 8 A per batch
results = {
    "B only": train(copy.deepcopy(base), b_batches, lr=3e-3),
    "B + 25% replay of A": train(copy.deepcopy(base), replay, lr=3e-3),
    "B only, lr / 10": train(copy.deepcopy(base), b_batches, lr=3e-4),
}
print(f"{'toy fine-tuning run':22s}{'loss on A':>10s}{'change':>9s}{'loss on B':>11s}")
rows = {}
for name, m in results.items():
    a, b = loss_on(m, test_a), loss_on(m, test_b)
    rows[name] = (a, b)
    print(f"{name:22s}{a:10.3f}{a - base_a:+9.3f}{b:11.3f}")

a_only, b_only = rows["B only"]
a_replay, b_replay = rows["B + 25% replay of A"]
a_low, b_low = rows["B only, lr / 10"]
assert a_only > base_a + 0.5, "fine-tuning on B alone: A's loss rises (forgetting)"
assert a_replay < a_only and a_replay - base_a < (a_only - base_a) / 2, "replay: rises far less"
assert b_replay < b_only + 0.1, "... at little cost on B"
assert a_low < a_only and b_low > b_only, "smaller lr: forgets less but also learns B less"
