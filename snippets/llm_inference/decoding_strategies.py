"""Decoding strategies written by hand and checked against transformers.

1. temperature, top-k, top-p (nucleus) and min-p as logit filters, compared with transformers'
   TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper and MinPLogitsWarper on the same
   random logits (float64): same kept set, same values;
2. top-p keeps the SMALLEST set of most probable tokens whose mass reaches p (checked row by row);
3. temperature -> 0 is greedy: sampling at T = 0.001 reproduces greedy decoding, which itself
   equals model.generate(do_sample=False) on a tiny LlamaForCausalLM (random weights);
4. beam search can find a more probable sequence than greedy: a hand-built next-token table,
   probabilities asserted exactly, beam result equal to an exhaustive search; a second table
   where beam search (width 2) returns a LESS probable sequence than greedy; then the
   hand-written beam search equals model.generate(num_beams=3) on the tiny Llama and beats
   greedy's log-probability there;
5. transformers' generate(do_sample=True) applies top_k=50 unless told otherwise.
"""

import itertools
import math
import os

import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from transformers import (  # noqa: E402
    LlamaConfig,
    LlamaForCausalLM,
    MinPLogitsWarper,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

torch.manual_seed(0)
NEG_INF = float("-inf")


# ---- 1. the filters, as a candidate writes them ------------------------------------------------
def temperature(logits, T):
    return logits / T  # T < 1 sharpens, T > 1 flattens; T must be > 0


def top_k(logits, k):
    kth = logits.topk(k, dim=-1).values[..., -1:]  # k-th largest logit per row
    return logits.masked_fill(logits < kth, NEG_INF)


def top_p(logits, p):
    probs = logits.softmax(-1)
    sorted_p, idx = probs.sort(dim=-1, descending=True)
    mass_before = sorted_p.cumsum(-1) - sorted_p  # mass of the tokens ranked above this one
    remove_sorted = mass_before >= p  # the set already reached p without this token
    remove = remove_sorted.scatter(-1, idx, remove_sorted)  # back to vocabulary order
    return logits.masked_fill(remove, NEG_INF)


def min_p(logits, p_base):
    probs = logits.softmax(-1)
    threshold = p_base * probs.max(dim=-1, keepdim=True).values  # scales with the top token
    return logits.masked_fill(probs < threshold, NEG_INF)


logits = torch.randn(256, 100, dtype=torch.float64) * 3  # 256 rows, vocabulary of 100
ids = torch.zeros(256, 1, dtype=torch.long)  # the warpers ignore input_ids
checks = [
    ("temperature 0.7", temperature(logits, 0.7), TemperatureLogitsWarper(0.7)),
    ("top-k 20", top_k(logits, 20), TopKLogitsWarper(20)),
    ("top-p 0.9", top_p(logits, 0.9), TopPLogitsWarper(0.9)),
    ("min-p 0.1", min_p(logits, 0.1), MinPLogitsWarper(0.1)),
]
for name, mine, warper in checks:
    ref = warper(ids, logits.clone())
    same_set = torch.equal(mine.isinf(), ref.isinf())
    kept = ~ref.isinf()
    diff = (mine[kept] - ref[kept]).abs().max().item()
    assert same_set and diff < 1e-12, name
    kept_n = kept.sum(-1).float()
    print(f"{name:<16} == transformers: kept set identical, max |diff| {diff:.0e}, "
          f"tokens kept per row {kept_n.min():.0f}..{kept_n.max():.0f}")  # fmt: skip

# ---- 2. top-p is the smallest set whose mass reaches p -----------------------------------------
probs = logits.softmax(-1)
kept_mask = ~top_p(logits, 0.9).isinf()
for row in range(len(logits)):
    n = int(kept_mask[row].sum())
    best = probs[row].sort(descending=True).values
    assert kept_mask[row][probs[row] >= best[n - 1]].all()  # the kept tokens are the top n
    assert best[:n].sum() >= 0.9 > best[: n - 1].sum()  # n tokens reach 0.9, n - 1 do not
print("top-p 0.9: in all 256 rows the kept set is the smallest top set with mass >= 0.9")

# ---- 3. temperature -> 0 equals greedy, on a tiny Llama (random weights) -----------------------
cfg = LlamaConfig(
    vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
    initializer_range=0.3, bos_token_id=0, eos_token_id=None, pad_token_id=0,
)  # fmt: skip
model = LlamaForCausalLM(cfg).to(torch.float64).eval()
prompt = torch.tensor([[1, 7, 3, 12]])


@torch.no_grad()
def next_logits(seq):
    return model(seq).logits[0, -1]  # no KV cache: recompute the prefix every step


@torch.no_grad()
def decode(seq, n, T=None, gen=None):
    for _ in range(n):
        z = next_logits(seq)
        if T is None:
            tok = z.argmax()  # greedy
        else:
            tok = torch.multinomial(temperature(z, T).softmax(-1), 1, generator=gen)[0]
        seq = torch.cat([seq, tok.view(1, 1)], dim=1)
    return seq


greedy = decode(prompt, 12)
with torch.no_grad():
    ref = model.generate(prompt, max_new_tokens=12, do_sample=False)
assert torch.equal(greedy, ref)
gen = torch.Generator().manual_seed(0)
assert torch.equal(decode(prompt, 12, T=0.001, gen=gen), greedy)
sampled = decode(prompt, 12, T=1.0, gen=torch.Generator().manual_seed(0))
print(f"greedy == generate(do_sample=False): True; sampling at T=0.001 == greedy: True; "
      f"at T=1.0: {int((sampled != greedy).sum())} of 12 tokens differ")  # fmt: skip
try:
    TemperatureLogitsWarper(0.0)
except ValueError:  # T = 0 is not a temperature: transformers asks for do_sample=False instead
    print("TemperatureLogitsWarper(0.0) raises ValueError: greedy is do_sample=False")
with torch.no_grad():  # the scores generate() samples from, after its logits processors
    out = model.generate(prompt, max_new_tokens=1, do_sample=True, output_scores=True,
                         return_dict_in_generate=True)  # fmt: skip
n_finite = int(out.scores[0].isfinite().sum())
assert n_finite == 50 < cfg.vocab_size  # top_k=50 is on by default when sampling
print(f"generate(do_sample=True) with no top_k given: {n_finite} of {cfg.vocab_size} tokens "
      f"can be sampled (default top_k=50)")  # fmt: skip


# ---- 4. beam search vs greedy on a hand-built next-token table ---------------------------------
# P(next | prefix); every 2-token sequence then ends. Greedy takes A (0.5) and is stuck with
# P(.|A) <= 0.4; "B D" starts lower (0.4) but continues with 0.9.
table = {
    (): {"A": 0.5, "B": 0.4, "C": 0.1},
    ("A",): {"B": 0.3, "C": 0.3, "D": 0.4},
    ("B",): {"B": 0.05, "C": 0.05, "D": 0.9},
    ("C",): {"B": 0.5, "D": 0.5},
}


def seq_prob(seq, table=table):
    return math.prod(table[seq[:i]][seq[i]] for i in range(len(seq)))


def greedy_table(table=table, steps=2):
    seq = ()
    for _ in range(steps):
        dist = table[seq]
        seq += (max(dist, key=dist.get),)
    return seq


def beam_table(width, table=table, steps=2):
    beams = [((), 0.0)]  # (sequence, log-probability)
    for _ in range(steps):
        cand = [(s + (t,), lp + math.log(p)) for s, lp in beams for t, p in table[s].items()]
        beams = sorted(cand, key=lambda c: c[1], reverse=True)[:width]
    return beams[0][0]


all_seqs = [s for a in table[()] for s in itertools.product([a], table[(a,)])]
best = max(all_seqs, key=seq_prob)
g, b = greedy_table(), beam_table(width=2)
assert g == ("A", "D") and math.isclose(seq_prob(g), 0.20)
assert b == best == ("B", "D") and math.isclose(seq_prob(b), 0.36)
print(f"table: greedy {' '.join(g)} p={seq_prob(g):.2f}; beam(2) {' '.join(b)} "
      f"p={seq_prob(b):.2f} = exhaustive best of {len(all_seqs)} sequences")  # fmt: skip

# Beam search is NOT guaranteed to beat greedy: B's two children (0.45 x 0.5) push all of A's
# children (0.17 at best) out of the beam at step 2, then B's continuations are all poor.
trap = {
    (): {"A": 0.5, "B": 0.45, "C": 0.05},
    ("A",): {"x": 0.34, "y": 0.33, "z": 0.33},
    ("A", "x"): {".": 1.0},
    ("B",): {"u": 0.5, "v": 0.5},
    **{("B", t): {str(i): 0.1 for i in range(10)} for t in "uv"},
}
g, b = greedy_table(trap, steps=3), beam_table(2, trap, steps=3)
assert seq_prob(b, trap) < seq_prob(g, trap)  # beam(2) loses to greedy here
print(f"trap table: greedy {' '.join(g)} p={seq_prob(g, trap):.3f}; beam(2) {' '.join(b)} "
      f"p={seq_prob(b, trap):.4f} (less probable than greedy)")  # fmt: skip


# ---- the same beam search on the tiny Llama, against transformers ------------------------------
@torch.no_grad()
def beam_search(seq, n, width):
    beams = [(seq, 0.0)]
    for _ in range(n):
        cand = []
        for s, lp in beams:
            logp = next_logits(s).log_softmax(-1)
            values, tokens = logp.topk(width)  # only a beam's best `width` children can survive
            for v, t in zip(values, tokens, strict=True):
                cand.append((torch.cat([s, t.view(1, 1)], dim=1), lp + v.item()))
        beams = sorted(cand, key=lambda c: c[1], reverse=True)[:width]
    return beams[0]


def logprob(seq):
    with torch.no_grad():
        logp = model(seq).logits[0, :-1].log_softmax(-1)
    return logp[torch.arange(seq.shape[1] - 1), seq[0, 1:]][prompt.shape[1] - 1 :].sum().item()


mine, mine_lp = beam_search(prompt, 12, width=3)
with torch.no_grad():  # length_penalty=0: rank beams by their summed log-probability
    ref = model.generate(prompt, max_new_tokens=12, num_beams=3, do_sample=False,
                         length_penalty=0.0, early_stopping=True)  # fmt: skip
assert torch.equal(mine, ref)
assert logprob(mine) > logprob(greedy)  # here beam search found a more probable sequence
print(f"tiny Llama: beam(3) == generate(num_beams=3): True; "
      f"log p beam {logprob(mine):.3f} vs greedy {logprob(greedy):.3f}")  # fmt: skip
