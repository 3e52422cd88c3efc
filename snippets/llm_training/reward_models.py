"""A reward model from pairwise preferences: the Bradley-Terry loss by hand, trained and checked.

1. The loss -log sigmoid(r_w - r_l) written by hand equals F.binary_cross_entropy_with_logits
   (label 1) and -F.logsigmoid; the naive -log(sigmoid(.)) overflows at a large negative margin.
2. Synthetic preferences with a known hidden reward: an annotator prefers a response with
   probability sigmoid(r*(a) - r*(b)). A linear reward model trained on 2,000 pairs: the loss
   falls, held-out preference accuracy rises toward the ceiling set by the annotator's own
   noise (the hidden reward itself scores no higher), and two labels of the same pair agree
   only ~70% of the time.
3. The reward is defined up to a constant: adding c (even a different c for each prompt) leaves
   the loss unchanged; scaling it does not.
4. InstructGPT's K-choose-2 batching: K responses ranked for one prompt give K(K-1)/2 pairs
   from K forward passes; the same loss as scoring every pair separately (2 passes per pair).
5. The transformers reward model: LlamaForSequenceClassification with num_labels=1 scores the
   hidden state of the last non-pad token with a bias-free linear head. Checked by hand in
   float64, for right padding, and for the pad == eos trap (the score then comes from the token
   before the final eos).
"""

import itertools

import torch
import torch.nn.functional as F
from transformers import LlamaConfig, LlamaForSequenceClassification

torch.manual_seed(0)
dt = torch.float64


def bt_loss(r_chosen, r_rejected):
    """Bradley-Terry: P(chosen > rejected) = sigmoid(r_c - r_r); minimize -log of it."""
    return F.softplus(-(r_chosen - r_rejected)).mean()  # = -log sigmoid(margin), stably


# --- 1. the loss against two PyTorch formulations --------------------------------------------
r_c, r_r = torch.randn(64, dtype=dt), torch.randn(64, dtype=dt)
margin = r_c - r_r
ref_bce = F.binary_cross_entropy_with_logits(margin, torch.ones_like(margin))
ref_logsig = -F.logsigmoid(margin).mean()
d1, d2 = (bt_loss(r_c, r_r) - ref_bce).abs().item(), (bt_loss(r_c, r_r) - ref_logsig).abs().item()
print(f"1) BT loss vs BCE-with-logits: {d1:.1e}; vs -logsigmoid: {d2:.1e}")
assert d1 < 1e-12 and d2 < 1e-12
far = torch.tensor([-800.0], dtype=dt)  # the RM is confidently wrong on this pair
naive, stable = -torch.log(torch.sigmoid(far)).item(), bt_loss(far, 0 * far).item()
print(f"   margin -800: naive -log(sigmoid) = {naive}, softplus form = {stable:.1f}")
assert naive == float("inf") and stable == 800.0

# --- 2. train a reward model on synthetic pairs with a hidden preference ---------------------
D, N_TRAIN, N_TEST = 16, 2000, 2000
w_star = torch.randn(D, dtype=dt)  # the annotator's hidden preference: r*(y) = phi(y) . w*
phi_a = torch.randn(N_TRAIN + N_TEST, D, dtype=dt)  # features of response a
phi_b = torch.randn(N_TRAIN + N_TEST, D, dtype=dt)  # ... and of response b, same prompt
p_a = torch.sigmoid((phi_a - phi_b) @ w_star * 0.5)  # annotator noise: a soft preference
a_wins = torch.rand(len(p_a), dtype=dt) < p_a
chosen = torch.where(a_wins[:, None], phi_a, phi_b)
rejected = torch.where(a_wins[:, None], phi_b, phi_a)
tr, te = slice(0, N_TRAIN), slice(N_TRAIN, None)


def accuracy(w, sl):  # fraction of held-out pairs where the RM agrees with the annotator
    return ((chosen[sl] - rejected[sl]) @ w > 0).double().mean().item()


w = torch.zeros(D, dtype=dt, requires_grad=True)  # reward model: r(y) = phi(y) . w
opt = torch.optim.Adam([w], lr=0.05)
w.data.normal_(0, 0.01)
history = []
for step in range(201):
    loss = bt_loss(chosen[tr] @ w, rejected[tr] @ w)
    if step in (0, 20, 200):
        history.append((step, loss.item(), accuracy(w.detach(), te)))
    opt.zero_grad(), loss.backward(), opt.step()
oracle = accuracy(w_star, te)  # the hidden reward itself, judged against the noisy labels
agree = (p_a[te] ** 2 + (1 - p_a[te]) ** 2).mean().item()  # two labels of one pair agree
print("2) linear RM on 2,000 synthetic pairs (hidden reward, noisy annotator)")
for step, train_loss, acc in history:
    print(f"   step {step:3d}: train loss {train_loss:.3f}, held-out accuracy {acc:.3f}")
print(f"   ceiling: the hidden reward itself scores {oracle:.3f}; two labels agree {agree:.3f}")
assert history[-1][1] < history[0][1] - 0.1, "the loss falls"
assert history[-1][2] > history[0][2] + 0.1, "held-out accuracy rises"
assert abs(history[-1][2] - oracle) < 0.03, "and gets close to the noise ceiling"
assert 0.6 < agree < 0.8 and oracle < 0.85, "label noise caps every model well below 100%"

# --- 3. only reward differences matter ---------------------------------------------------------
w_fit = w.detach()
prompt_of_pair = torch.randint(10, (N_TRAIN,))
shift = 5.0 * torch.randn(10, dtype=dt)[prompt_of_pair]  # a different constant per prompt
base = bt_loss(chosen[tr] @ w_fit, rejected[tr] @ w_fit)
shifted = bt_loss(chosen[tr] @ w_fit + shift, rejected[tr] @ w_fit + shift)
scaled = bt_loss(2 * chosen[tr] @ w_fit, 2 * rejected[tr] @ w_fit)
print(
    f"3) loss {base.item():.4f}; rewards + per-prompt constant: {shifted.item():.4f};"
    f" rewards x2: {scaled.item():.4f}"
)
assert (shifted - base).abs() < 1e-12 and (scaled - base).abs() > 1e-3

# --- 4. K-choose-2 from K forward passes ---------------------------------------------------------
K = 6
ranked = torch.randn(K, D, dtype=dt)  # one prompt's responses, best first (as ranked)
calls = 0


def reward_model(feats):
    global calls
    calls += len(feats)  # count responses scored
    return feats @ w_fit


scores = reward_model(ranked)  # K passes
pairs = list(itertools.combinations(range(K), 2))  # (i, j) with i ranked above j
batched = bt_loss(scores[[i for i, _ in pairs]], scores[[j for _, j in pairs]])
k_calls, calls = calls, 0
looped = torch.stack(
    [bt_loss(reward_model(ranked[i : i + 1]), reward_model(ranked[j : j + 1])) for i, j in pairs]
).mean()
print(
    f"4) K={K}: {len(pairs)} pairs; {k_calls} RM passes batched vs {calls} pair by pair;"
    f" |diff| = {(batched - looped).abs().item():.1e}"
)
assert (batched - looped).abs() < 1e-12 and k_calls == K and calls == 2 * len(pairs)

# --- 5. which token's hidden state does AutoModelForSequenceClassification score? -------------
PAD, EOS = 0, 2
config = LlamaConfig(
    vocab_size=64,
    hidden_size=32,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    num_labels=1,
    pad_token_id=PAD,
    eos_token_id=EOS,
)
rm = LlamaForSequenceClassification(config).to(dt).eval()
seqs = [[5, 9, 11, 7, 30, 21], [8, 13, 40], [17, 6, 25, 33]]
ids = torch.full((3, 6), PAD)
for b, s in enumerate(seqs):
    ids[b, : len(s)] = torch.tensor(s)  # right padding
mask = (ids != PAD).long()
with torch.no_grad():
    hf = rm(input_ids=ids, attention_mask=mask).logits.squeeze(-1)  # (batch,): one scalar each
    hidden = rm.model(input_ids=ids, attention_mask=mask).last_hidden_state  # (B, T, d)
    last = mask.sum(-1) - 1  # right padding: the last real token
    by_hand = rm.score(hidden[torch.arange(3), last]).squeeze(-1)
    alone = torch.cat([rm(input_ids=torch.tensor([s])).logits[:, 0] for s in seqs])
print(
    f"5) score head: {tuple(rm.score.weight.shape)}, bias={rm.score.bias is not None};"
    f" hand-picked last token vs transformers: {(by_hand - hf).abs().max().item():.1e};"
    f" padded vs unpadded: {(alone - hf).abs().max().item():.1e}"
)
assert (by_hand - hf).abs().max() < 1e-12 and (alone - hf).abs().max() < 1e-10
assert rm.score.bias is None and rm.score.weight.shape == (1, 32)

# The trap: pad_token_id == eos_token_id (a common way to "add" a pad token). transformers finds
# the rightmost token that is not the pad id, so a response ending in eos is scored at the token
# BEFORE its eos.
config_eos = LlamaConfig(**{**config.to_dict(), "pad_token_id": EOS})
rm_eos = LlamaForSequenceClassification(config_eos).to(dt).eval()
rm_eos.load_state_dict(rm.state_dict())
seq = torch.tensor([[5, 9, 11, 7, EOS, EOS]])  # response + eos, then padding with the same id
with torch.no_grad():
    h = rm_eos.model(input_ids=seq).last_hidden_state[0]
    got = rm_eos(input_ids=seq).logits.item()
at_eos, before_eos = rm_eos.score(h[4]).item(), rm_eos.score(h[3]).item()
print(
    f"   pad == eos: transformers' score {got:.4f}; head at the eos {at_eos:.4f},"
    f" at the token before it {before_eos:.4f}"
)
assert abs(got - before_eos) < 1e-12 and abs(got - at_eos) > 1e-3
