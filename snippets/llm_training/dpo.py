"""The DPO loss written by hand, its derivation checked, and a short toy training run.

1. The derivation on a toy "prompt" with 6 possible responses: the closed form
   pi* = pi_ref * exp(r / beta) / Z maximizes E[r] - beta * KL(pi || pi_ref) (it beats 2,000 random
   policies, and its value is beta*log Z), and the reward recovered from it, beta*log(pi*/pi_ref),
   measured, is r - beta*log Z for every response; in a DIFFERENCE of two responses Z cancels.
2. Sequence log-probabilities of a tiny LlamaForCausalLM (random weights, float64), summed over
   the response tokens only; checked against transformers' own loss with prompt labels = -100
   (which transformers computes in float32, hence the 1e-5 tolerance).
3. With the policy equal to the reference, the DPO loss is exactly ln 2.
4. A toy run on synthetic preference pairs: the loss falls and the implicit reward margin rises;
   what happens to the chosen responses' log-probability is printed, not assumed.
5. Including the prompt tokens in the sums leaves the DPO loss unchanged (chosen and rejected share
   the prompt, so its log-probs cancel) but shifts the logged per-response rewards.
"""

import copy
import math
import os

import torch
import torch.nn.functional as F

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from transformers import LlamaConfig, LlamaForCausalLM  # noqa: E402

torch.manual_seed(0)
DT = torch.float64
beta = 0.1

# ---- 1. the closed-form optimum and why Z cancels ---------------------------------------------
pi_ref = torch.softmax(torch.randn(6, dtype=DT), -1)  # reference policy over 6 responses
r = torch.randn(6, dtype=DT)  # a reward for each response


def objective(pi):  # E_pi[r] - beta * KL(pi || pi_ref), for one policy or a batch of them
    return (pi * r).sum(-1) - beta * (pi * (pi / pi_ref).log()).sum(-1)


Z = (pi_ref * (r / beta).exp()).sum()
pi_star = pi_ref * (r / beta).exp() / Z
random_policies = torch.softmax(3 * torch.randn(2000, 6, dtype=DT), -1)
best_random = objective(random_policies).max().item()
print(
    f"1. objective of pi*: {objective(pi_star).item():.4f}, best of 2,000 random: {best_random:.4f}"
)
assert objective(pi_star).item() > best_random
assert abs(objective(pi_star).item() - beta * Z.log().item()) < 1e-12  # the maximum is beta*log Z
recovered = beta * (pi_star / pi_ref).log()  # r(x, y) as the policy implies it
shift = recovered - r  # measured per response
spread = (shift - shift[0]).abs().max().item()
pair_error = ((recovered[:, None] - recovered[None, :]) - (r[:, None] - r[None, :])).abs().max()
print(
    f"   recovered reward - r, measured: {shift[0].item():.4f} for every response"
    f" (spread {spread:.1e}; -beta*log Z = {-beta * Z.log().item():.4f})"
)
print(f"   recovered reward differences vs true: max |diff| = {pair_error.item():.1e} (Z cancels)")
assert spread < 1e-12 and abs(shift[0].item() + beta * Z.log().item()) < 1e-12
assert abs(shift[0].item()) > 0.01 and pair_error < 1e-12  # each reward is off, differences exact

# ---- 2. sequence log-probs of a tiny causal LM -------------------------------------------------
config = LlamaConfig(
    vocab_size=16,
    hidden_size=32,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=4,
    max_position_embeddings=32,
)
ref_model = LlamaForCausalLM(config).to(DT).eval()
policy = copy.deepcopy(ref_model).train()
for p in ref_model.parameters():
    p.requires_grad_(False)


def sequence_logp(model, input_ids, prompt_len):
    """Sum of log pi(token) over the response tokens only (positions >= prompt_len)."""
    logits = model(input_ids).logits[:, :-1]  # the logits at t predict token t+1
    logp = logits.log_softmax(-1).gather(-1, input_ids[:, 1:, None]).squeeze(-1)
    mask = torch.zeros_like(logp)
    mask[:, prompt_len - 1 :] = 1.0  # targets that are response tokens
    return (logp * mask).sum(-1)


def dpo_loss(pol_w, pol_l, ref_w, ref_l, beta):
    reward_w = beta * (pol_w - ref_w)  # implicit reward of the chosen response
    reward_l = beta * (pol_l - ref_l)  # ... and of the rejected one
    return -F.logsigmoid(reward_w - reward_l).mean(), reward_w, reward_l


# synthetic preferences: prompt = 4 random tokens from 8..15; chosen = the prompt copied,
# rejected = 4 random tokens from 0..7 (a rule the model can learn; a toy, not real data)
n_pairs, P, R = 32, 4, 4
prompts = torch.randint(8, 16, (n_pairs, P))
chosen = torch.cat([prompts, prompts], 1)
rejected = torch.cat([prompts, torch.randint(0, 8, (n_pairs, R))], 1)

with torch.no_grad():
    mine = sequence_logp(ref_model, chosen[:1], P)
    labels = chosen[:1].clone()
    labels[:, :P] = -100  # transformers ignores these positions in its loss
    hf = -ref_model(chosen[:1], labels=labels).loss * R  # mean over the R response tokens
diff = (mine - hf).abs().item()  # transformers casts the logits to float32 for its loss
print(f"2. response log-prob, hand-written vs transformers' loss (float32): |diff| = {diff:.1e}")
assert diff < 1e-5

# ---- 3. policy == reference: the loss is ln 2 -------------------------------------------------
with torch.no_grad():
    ref_w, ref_l = sequence_logp(ref_model, chosen, P), sequence_logp(ref_model, rejected, P)
    loss0, _, _ = dpo_loss(
        sequence_logp(policy, chosen, P), sequence_logp(policy, rejected, P), ref_w, ref_l, beta
    )
print(f"3. loss at the start (policy = reference): {loss0.item():.12f}, ln 2 = {math.log(2):.12f}")
assert abs(loss0.item() - math.log(2)) < 1e-12

# ---- 4. a toy training run -------------------------------------------------------------------
opt = torch.optim.AdamW(policy.parameters(), lr=3e-3)
print("4. toy DPO run (32 synthetic pairs, full batch, beta = 0.1):")
print("   step    loss  margin  chosen logp - ref  rejected logp - ref")
history = []
for step in range(41):
    pol_w, pol_l = sequence_logp(policy, chosen, P), sequence_logp(policy, rejected, P)
    loss, reward_w, reward_l = dpo_loss(pol_w, pol_l, ref_w, ref_l, beta)
    margin = (reward_w - reward_l).mean().item()
    d_w, d_l = (pol_w - ref_w).mean().item(), (pol_l - ref_l).mean().item()
    history.append((loss.item(), margin, d_w, d_l))
    if step % 10 == 0:
        print(f"   {step:4d}  {loss.item():6.3f}  {margin:6.2f}  {d_w:17.2f}  {d_l:19.2f}")
    opt.zero_grad()
    loss.backward()
    opt.step()
first, last = history[0], history[-1]
assert last[0] < 0.5 * first[0] and last[1] > first[1] + 1.0  # loss falls, margin rises
direction = "rose" if last[2] > 0 else "FELL"
print(f"   chosen log-prob {direction} by {abs(last[2]):.2f} nats; rejected fell by {-last[3]:.2f}")
assert last[3] < 0

# ---- 5. the prompt mask: the loss does not notice, the logged rewards do ------------------------
with torch.no_grad():
    full = {  # log-probs over prompt AND response targets (prompt_len = 1: only token 0 skipped)
        name: sequence_logp(model, ids, 1)
        for name, model, ids in [
            ("pol_w", policy, chosen),
            ("pol_l", policy, rejected),
            ("ref_w", ref_model, chosen),
            ("ref_l", ref_model, rejected),
        ]
    }
    loss_full, rw_full, _ = dpo_loss(
        full["pol_w"], full["pol_l"], full["ref_w"], full["ref_l"], beta
    )
    pol_w, pol_l = sequence_logp(policy, chosen, P), sequence_logp(policy, rejected, P)
    loss_resp, rw_resp, _ = dpo_loss(pol_w, pol_l, ref_w, ref_l, beta)
d_loss = abs(loss_full.item() - loss_resp.item())
d_reward = (rw_full - rw_resp).abs().mean().item()
print("5. prompt tokens included vs masked (trained policy):")
print("   DPO loss: |diff| < 1e-12 (the shared prompt cancels between chosen and rejected)")
print(f"   logged rewards/chosen: mean |diff| = {d_reward:.3f} (each shifted by the prompt's term)")
assert d_loss < 1e-12 and d_reward > 0.01
