"""Why greedy decoding loops ("复读机"), and how penalties break the loop, on a toy bigram model.

The "model" is a hand-built bigram table P(next | previous word) with a cycle
the -> cat -> sat -> on -> the: greedy decoding follows the most probable edge forever. (A bigram
model cannot see further back than one word, so it can never escape on its own; a real LM is
not that extreme, but it shows the same self-reinforcing loop.) Logits are log-probabilities,
so every logit is negative, which is exactly the case where the sign of the penalty matters.

Penalties, written by hand:
  repetition (CTRL-style, as transformers implements it): for every token already in the text,
      logit / theta if logit > 0, logit * theta if logit < 0      (checked against
      RepetitionPenaltyLogitsProcessor at every step)
  the same with a plain division (logit / theta for every sign): on negative logits it RAISES
      the score of repeated tokens
  presence (OpenAI-style):  logit - alpha_presence  * [count > 0]
  frequency (OpenAI-style): logit - alpha_frequency * count
"""

import math
import os
from collections import Counter

import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from transformers import RepetitionPenaltyLogitsProcessor  # noqa: E402

words = ["<eos>", "the", "cat", "sat", "on", "a", "mat", "dog", "."]
idx = {w: i for i, w in enumerate(words)}
bigram = {  # P(next | previous); the greedy path is the -> cat -> sat -> on -> the -> ...
    "the": {"cat": 0.5, "mat": 0.3, "dog": 0.2},
    "cat": {"sat": 0.7, ".": 0.3},
    "sat": {"on": 0.8, ".": 0.2},
    "on": {"the": 0.6, "a": 0.4},
    "a": {"mat": 0.6, "dog": 0.4},
    "mat": {".": 0.9, "on": 0.1},
    "dog": {"sat": 0.6, ".": 0.4},
    ".": {"<eos>": 1.0},
}
P = torch.zeros(len(words), len(words), dtype=torch.float64)
for prev, dist in bigram.items():
    for nxt, p in dist.items():
        P[idx[prev], idx[nxt]] = p
assert torch.allclose(P[1:].sum(-1), torch.ones(len(words) - 1, dtype=torch.float64))
LOGITS = P.log()  # -inf where the bigram never happens


def ctrl_penalty(logits, seq, theta):
    out = logits.clone()
    seen = torch.tensor(sorted(set(seq)))
    z = out[seen]
    out[seen] = torch.where(z < 0, z * theta, z / theta)  # push AWAY from the token either way
    return out


def naive_divide(logits, seq, theta):
    out = logits.clone()
    seen = torch.tensor(sorted(set(seq)))
    out[seen] = out[seen] / theta  # -0.51 / 2 = -0.26: the repeated token becomes MORE likely
    return out


def openai_penalty(logits, seq, presence=0.0, frequency=0.0):
    out = logits.clone()
    for tok, count in Counter(seq).items():
        out[tok] -= presence * (count > 0) + frequency * count
    return out


def greedy(penalty=None, max_len=24, **kw):
    seq = [idx["the"]]
    while len(seq) < max_len and seq[-1] != idx["<eos>"]:
        z = LOGITS[seq[-1]]
        if penalty is ctrl_penalty:  # the reference must agree at every step
            ref = RepetitionPenaltyLogitsProcessor(kw["theta"])(
                torch.tensor([seq]), z.clone().unsqueeze(0)
            )[0]
            mine = penalty(z, seq, **kw)
            assert torch.equal(mine.isinf(), ref.isinf())
            assert (mine - ref)[~ref.isinf()].abs().max() < 1e-12
        z = penalty(z, seq, **kw) if penalty else z
        seq.append(int(z.argmax()))
    return seq


def show(name, seq):
    text = " ".join(words[t] for t in seq)
    grams = Counter(tuple(seq[i : i + 4]) for i in range(len(seq) - 3))
    repeats = sum(c - 1 for c in grams.values())
    ended = seq[-1] == idx["<eos>"]
    if len(seq) > 12:
        text = " ".join(words[t] for t in seq[:6]) + " ... " + " ".join(words[t] for t in seq[-5:])
    print(f"{name:<22} {'ends ' if ended else 'LOOPS'} {len(seq):>2} tokens, "
          f"repeated 4-grams {repeats:>2}: {text}")  # fmt: skip
    return ended, repeats


ended, repeats = show("greedy", greedy())
assert not ended and repeats > 10
ended, _ = show("repetition 1.3 (CTRL)", greedy(ctrl_penalty, theta=1.3))
assert not ended  # a one-off penalty smaller than the loop's margin changes nothing
ended, repeats = show("repetition 2.0 (CTRL)", greedy(ctrl_penalty, theta=2.0))
assert ended and repeats == 0

# The smallest theta (on a 0.01 grid) that breaks the loop, against the margins of the loop:
# at "the", "cat" (log 0.5) must fall below "mat" (log 0.3): theta > ln 0.3 / ln 0.5 = 1.737;
# at "on", "the" (log 0.6) must fall below "a" (log 0.4): theta > ln 0.4 / ln 0.6 = 1.794.
thetas = [t / 100 for t in range(101, 301)]
first = next(t for t in thetas if greedy(ctrl_penalty, theta=t)[-1] == idx["<eos>"])
at_on = next(t for t in thetas if words[greedy(ctrl_penalty, theta=t)[4]] == "a")
assert first == math.ceil(100 * math.log(0.3) / math.log(0.5)) / 100
assert at_on == math.ceil(100 * math.log(0.4) / math.log(0.6)) / 100
print(f"smallest repetition penalty that breaks the loop: {first:.2f} (ln0.3/ln0.5 = "
      f"{math.log(0.3) / math.log(0.5):.3f}); from {at_on:.2f} (ln0.4/ln0.6 = "
      f"{math.log(0.4) / math.log(0.6):.3f}) it breaks at 'on'")  # fmt: skip
ended, _ = show("same, plain division", greedy(naive_divide, theta=2.0))
assert not ended
ended, repeats = show("presence 0.5", greedy(openai_penalty, presence=0.5))
assert ended and repeats == 0
ended, repeats = show("frequency 0.1", greedy(openai_penalty, frequency=0.1))
assert ended and repeats > 0  # it takes a few loops before the count outweighs the gap

# Sampling instead of argmax: each lap of the loop has probability 0.5*0.7*0.8*0.6 = 0.168
P[idx["<eos>"], idx["<eos>"]] = 1.0  # a finished sequence stays finished
batch = torch.full((10_000,), idx["the"])
gen = torch.Generator().manual_seed(0)
length = torch.ones(10_000, dtype=torch.long)
for _ in range(23):
    alive = batch != idx["<eos>"]
    batch = torch.where(alive, torch.multinomial(P[batch], 1, generator=gen)[:, 0], batch)
    length += alive.long()
done = (batch == idx["<eos>"]).float().mean().item()
assert done > 0.99
print(f"sampling (T=1), 10,000 runs: {done:.1%} reach <eos> within 24 tokens, "
      f"median length {length.median().item()}")  # fmt: skip
