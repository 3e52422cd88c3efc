"""PPO for LLMs by hand: clipped loss, token-level rewards with a KL penalty, GAE, KL estimators.

1. The clipped surrogate -min(r*A, clip(r, 1-eps, 1+eps)*A), its gradient with respect to the
   log-ratio taken by autograd: exactly 0 where the clip is active (A > 0 and r > 1+eps; A < 0 and
   r < 1-eps), not 0 on the other side (A > 0 and r < 1-eps; A < 0 and r > 1+eps). Checked against
   the max-of-negatives form used by open implementations (TRL, OpenRLHF).
2. Per-token rewards of one response: -beta*(log pi - log pi_ref) at every token, plus the reward
   model's score at the last token. GAE by the backward recursion (float64), checked against the
   explicit sum A_t = sum_k (gamma*lambda)^k delta_{t+k}; lambda = 1 (gamma = 1) equals Monte-Carlo
   return minus value, lambda = 0 equals the one-step TD error.
3. KL estimators (Schulman's note): k1 = log(pi/pi_ref) and k3 = (pi_ref/pi - 1) - log(pi_ref/pi),
   sampled from pi: both unbiased for KL(pi || pi_ref), k1 can be negative, k3 never is and has a
   smaller variance when the two distributions are close.
4. A toy PPO update: one batch, 4 epochs of minibatch steps, with and without the clip; how far
   the probability ratios move away from 1.
"""

import math

import torch

torch.manual_seed(0)
DT = torch.float64


# ---- 1. the clipped surrogate ------------------------------------------------------------------
def ppo_clip_loss(logratio, adv, eps=0.2):
    ratio = logratio.exp()  # pi_theta / pi_old for the sampled token
    unclipped = ratio * adv
    clipped = ratio.clamp(1 - eps, 1 + eps) * adv
    return -torch.min(unclipped, clipped)  # pessimistic bound: the smaller objective wins


def ppo_clip_loss_reference(logratio, adv, eps=0.2):  # the form used in TRL / OpenRLHF
    ratio = logratio.exp()
    return torch.max(-adv * ratio, -adv * ratio.clamp(1 - eps, 1 + eps))


print("1. d loss / d log-ratio of the clipped surrogate (eps = 0.2), autograd:")
cases = [  # (A, ratio, should the gradient be zero?)
    (+1.0, 1.5, True),  # good token already pushed up past 1+eps: stop
    (+1.0, 0.5, False),  # good token pushed DOWN below 1-eps: still corrected
    (-1.0, 0.5, True),  # bad token already pushed down past 1-eps: stop
    (-1.0, 1.5, False),  # bad token pushed UP above 1+eps: still corrected
    (+1.0, 1.1, False),  # inside the trust region: plain policy gradient
]
for adv, r, zero in cases:
    logratio = torch.tensor(math.log(r), dtype=DT, requires_grad=True)
    loss = ppo_clip_loss(logratio, torch.tensor(adv, dtype=DT))
    (grad,) = torch.autograd.grad(loss, logratio)
    ref = ppo_clip_loss_reference(logratio.detach(), torch.tensor(adv, dtype=DT))
    assert abs(loss.item() - ref.item()) < 1e-15
    print(f"   A = {adv:+.0f}, r = {r:.1f}: loss = {loss.item():+.3f}, grad = {grad.item():+.3f}")
    if zero:
        assert grad.item() == 0.0, "the clip must stop the gradient on this side"
    else:
        assert abs(grad.item() - (-adv * r)) < 1e-12, "outside the clip the gradient is -A*r"

# ---- 2. token-level rewards and GAE ------------------------------------------------------------
T, beta, rm_score = 6, 0.05, 1.3  # 6 response tokens, KL coefficient, reward model's score
logp = torch.log(torch.rand(T, dtype=DT) * 0.5 + 0.3)  # log pi(a_t | s_t) of the sampled tokens
logp_ref = logp + 0.2 * torch.randn(T, dtype=DT)  # the frozen SFT model's log-probs
values = torch.randn(T, dtype=DT) * 0.3 + 0.5  # critic's V(s_t), one per response token
rewards = -beta * (logp - logp_ref)  # per-token KL penalty (k1 estimator)
rewards[-1] += rm_score  # the reward model scores the whole response at its last token


def gae(rewards, values, gamma, lam):
    """Backward: delta_t = r_t + gamma*V_{t+1} - V_t, A_t = delta_t + gamma*lam*A_{t+1}."""
    T = len(rewards)
    adv = torch.zeros(T, dtype=rewards.dtype)
    last = 0.0
    for t in reversed(range(T)):
        next_value = values[t + 1] if t + 1 < T else 0.0  # V = 0 after the last token (EOS)
        delta = rewards[t] + gamma * next_value - values[t]
        last = delta + gamma * lam * last
        adv[t] = last
    return adv, adv + values  # advantages, and returns = the critic's regression target


def gae_explicit(rewards, values, gamma, lam):  # A_t = sum_k (gamma*lam)^k delta_{t+k}
    next_values = torch.cat([values[1:], torch.zeros(1, dtype=values.dtype)])
    delta = rewards + gamma * next_values - values
    k = torch.arange(len(rewards))
    weights = (gamma * lam) ** (k[None, :] - k[:, None]).clamp(min=0).to(DT)
    return (torch.triu(weights) * delta[None, :]).sum(1)


print("2. GAE on one response (6 tokens, float64):")
for lam in (0.95, 1.0, 0.0):
    adv, _ = gae(rewards, values, 1.0, lam)
    diff = (adv - gae_explicit(rewards, values, 1.0, lam)).abs().max().item()
    assert diff < 1e-12
    print(f"   lambda = {lam:<4}: recursion vs explicit sum, max |diff| = {diff:.1e}")
adv1, returns1 = gae(rewards, values, 1.0, 1.0)
mc_return = rewards.flip(0).cumsum(0).flip(0)  # sum of the rewards from t to the end
d_mc = (adv1 - (mc_return - values)).abs().max().item()
adv0, _ = gae(rewards, values, 1.0, 0.0)
td = rewards + torch.cat([values[1:], torch.zeros(1, dtype=DT)]) - values
d_td = (adv0 - td).abs().max().item()
print(f"   lambda = 1: A_t = G_t - V(s_t)                 max |diff| = {d_mc:.1e}")
print(f"   lambda = 0: A_t = r_t + V(s_t+1) - V(s_t)      max |diff| = {d_td:.1e}")
assert d_mc < 1e-12 and d_td < 1e-12
assert (adv1 - adv0).abs().max() > 0.1  # the two estimators really differ on this response
whitened = (adv1 - adv1.mean()) / adv1.std()
print(
    f"   advantages (lambda = 1): {[round(a, 2) for a in adv1.tolist()]}; whitened: "
    f"{[round(a, 2) for a in whitened.tolist()]}"
)

# ---- 3. KL estimators --------------------------------------------------------------------------
V = 50
logits_ref = torch.randn(V, dtype=DT)
logits_pi = logits_ref + 0.3 * torch.randn(V, dtype=DT)  # a policy close to the reference
lp_pi, lp_ref = logits_pi.log_softmax(-1), logits_ref.log_softmax(-1)
kl_exact = (lp_pi.exp() * (lp_pi - lp_ref)).sum().item()
tokens = torch.multinomial(lp_pi.exp(), 200_000, replacement=True)  # sampled from the policy
log_r = lp_ref[tokens] - lp_pi[tokens]  # log(pi_ref / pi)
k1 = -log_r
k3 = log_r.exp() - 1 - log_r
print(f"3. KL(pi || pi_ref) exact = {kl_exact:.4f}; estimators over 200,000 sampled tokens:")
for name, k in [("k1 = log pi/pi_ref", k1), ("k3 = r - 1 - log r", k3)]:
    print(
        f"   {name:20s} mean = {k.mean().item():.4f}, std = {k.std().item():.4f},"
        f" share < 0 = {(k < 0).double().mean().item():.2f}"
    )
    assert abs(k.mean().item() - kl_exact) < 4 * k.std().item() / math.sqrt(len(k))  # unbiased
assert (k1 < 0).any() and (k3 >= 0).all() and k3.std() < k1.std()

# ---- 4. a toy PPO update: one batch, several epochs --------------------------------------------
n_states, n_actions, N = 8, 6, 512
states = torch.randint(n_states, (N,))
init_logits = torch.randn(n_states, n_actions, dtype=DT)
with torch.no_grad():
    actions = torch.multinomial(init_logits[states].softmax(-1), 1).squeeze(1)
    old_logp = init_logits[states].log_softmax(-1).gather(1, actions[:, None]).squeeze(1)
    adv = torch.randn(N, dtype=DT)
    adv = (adv - adv.mean()) / adv.std()  # advantage whitening over the batch


def run(eps):
    logits = torch.nn.Parameter(init_logits.clone())  # the toy policy: one logit table
    opt = torch.optim.Adam([logits], lr=0.05)
    for _epoch in range(4):
        for idx in torch.randperm(N).split(64):  # 8 minibatches per epoch
            new_logp = logits[states[idx]].log_softmax(-1).gather(1, actions[idx, None])[:, 0]
            logratio = new_logp - old_logp[idx]
            if eps is None:
                loss = -(logratio.exp() * adv[idx]).mean()  # no clip
            else:
                loss = ppo_clip_loss(logratio, adv[idx], eps).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        ratio = (logits[states].log_softmax(-1).gather(1, actions[:, None])[:, 0] - old_logp).exp()
    return ratio


print("4. toy policy, one batch of 512 tokens, 4 epochs x 8 minibatches (Adam, lr 0.05):")
results = {}
for label, eps in [("clipped, eps = 0.2", 0.2), ("no clip", None)]:
    ratio = run(eps)
    outside = ((ratio < 0.8) | (ratio > 1.2)).double().mean().item()
    results[label] = (ratio, outside)
    print(
        f"   {label:18s}: ratio in [{ratio.min().item():.2f}, {ratio.max().item():.2f}],"
        f" share outside [0.8, 1.2] = {outside:.2f}"
    )
(r_clip, out_clip), (r_free, out_free) = results.values()
assert out_clip < out_free and r_clip.max() < r_free.max() and r_clip.min() > r_free.min()
