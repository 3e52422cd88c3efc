"""GRPO written by hand on a toy task with a verifiable reward.

Toy task: the prompt is "a+b" (a, b in 0..4); the policy answers with two tokens, a digit and
then an end token. A rule scores each answer, as in RL with verifiable rewards: 1.0 if the digit
equals a+b (accuracy reward), plus 0.1 if the second token is <end> (format reward). The policy is
a tiny table model (a toy, not an LLM), trained by GRPO: G = 8 answers per prompt, advantage =
(reward - group mean) / (group std + 1e-4), no value model, PPO clipping, and a KL penalty to the
frozen reference in the loss with the k3 estimator.

Checks: advantages have zero mean in every group; a group whose rewards are all equal gets zero
advantage and zero policy gradient (only the KL term still moves it); the k3 term's expected
gradient is the gradient of KL(pi_ref || pi), not of KL(pi || pi_ref), and weighting k3 by
pi/pi_old (DeepSeek-V3.2) makes it the gradient of KL(pi || pi_ref); with 1/|o_i| a long wrong
answer gets a smaller per-token gradient than a short one, with a token-level mean (DAPO) the same;
the exact expected reward of the policy rises.
"""

import torch

torch.manual_seed(0)
DT = torch.float64
N_DIGITS, END, JUNK = 10, 10, 11  # tokens 0..9 are digits, 10 = <end>, 11 = junk
VOCAB = 12
prompts = [(a, b) for a in range(5) for b in range(5)]  # 25 prompts
n_prompts, G, EPS, BETA = len(prompts), 8, 0.2, 0.04


class TablePolicy(torch.nn.Module):
    """pi(t1 | prompt) and pi(t2 | prompt, t1): two logit tables, a toy stand-in for an LM."""

    def __init__(self):
        super().__init__()
        self.first = torch.nn.Parameter(torch.zeros(n_prompts, VOCAB, dtype=DT))
        self.second = torch.nn.Parameter(torch.randn(n_prompts, VOCAB, VOCAB, dtype=DT))

    def token_logps(self, p, t1, t2):  # log-prob of each of the 2 response tokens
        p = p.expand_as(t1)
        lp1 = self.first[p].log_softmax(-1).gather(-1, t1[..., None])[..., 0]
        lp2 = self.second[p, t1].log_softmax(-1).gather(-1, t2[..., None])[..., 0]
        return torch.stack([lp1, lp2], -1)  # (..., 2)

    @torch.no_grad()
    def sample(self, p):
        t1 = torch.multinomial(self.first[p].softmax(-1), G, replacement=True)  # (P, G)
        probs2 = self.second[p[:, None], t1].softmax(-1)  # (P, G, VOCAB)
        t2 = torch.multinomial(probs2.reshape(-1, VOCAB), 1).reshape(t1.shape)
        return t1, t2

    @torch.no_grad()
    def expected_accuracy(self):  # exact, by enumerating the digit token (no sampling noise)
        answers = torch.tensor([a + b for a, b in prompts])
        return self.first.softmax(-1).gather(1, answers[:, None]).mean().item()


def reward(p, t1, t2):  # the rule-based verifier
    answers = torch.tensor([a + b for a, b in prompts])[p][:, None]
    return (t1 == answers).to(DT) + 0.1 * (t2 == END).to(DT)


def group_advantages(rewards):  # rewards: (n_prompts, G)
    mean = rewards.mean(1, keepdim=True)
    std = rewards.std(1, keepdim=True)  # unbiased, as torch's default (and TRL) uses
    return (rewards - mean) / (std + 1e-4)


def grpo_loss(policy, ref, p, t1, t2, adv, old_logps, beta):
    logps = policy.token_logps(p[:, None], t1, t2)  # (P, G, 2)
    ratio = (logps - old_logps).exp()
    a = adv[..., None]  # the same advantage for every token of an answer
    pg = -torch.min(ratio * a, ratio.clamp(1 - EPS, 1 + EPS) * a)
    log_r = ref.token_logps(p[:, None], t1, t2) - logps  # log(pi_ref / pi)
    kl = log_r.exp() - 1 - log_r  # k3, per token, in the loss (not in the reward)
    per_token = pg + beta * kl
    return per_token.mean(-1).mean(), pg  # 1/|o_i| over tokens, then mean over the group


policy = TablePolicy()
ref = TablePolicy()
ref.load_state_dict(policy.state_dict())
ref.requires_grad_(False)
all_p = torch.arange(n_prompts)

# ---- check 1: group-relative advantages --------------------------------------------------------
t1, t2 = policy.sample(all_p)
rewards = reward(all_p, t1, t2)
rewards[0] = 1.1  # make group 0 all-correct: every answer gets the same reward
adv = group_advantages(rewards)
print(f"toy GRPO: {n_prompts} prompts 'a+b', G = {G}, reward = 1.0 correct digit + 0.1 <end>")
print(f"1. max |mean advantage| over the {n_prompts} groups = {adv.mean(1).abs().max().item():.1e}")
assert adv.mean(1).abs().max() < 1e-12
old = policy.token_logps(all_p[:, None], t1, t2).detach()
for beta in (0.0, BETA):
    policy.zero_grad()
    loss, _ = grpo_loss(policy, ref, all_p, t1, t2, adv, old, beta)
    loss.backward()
    g0 = policy.first.grad[0].abs().max().item()
    g_other = policy.first.grad[1:].abs().max().item()
    print(
        f"   beta = {beta}: all-equal group: advantages {adv[0].abs().max().item():.0f},"
        f" grad {g0:.1e}; other groups: grad {g_other:.1e}"
    )
    assert adv[0].abs().max() == 0 and g0 == 0.0 and g_other > 1e-4
# policy == ref here, so the KL gradient is 0 too; move the policy once and look again
with torch.no_grad():
    policy.first[0] += torch.randn(VOCAB, dtype=DT)
for beta in (0.0, BETA):
    policy.zero_grad()
    grpo_loss(policy, ref, all_p, t1, t2, adv, old, beta)[0].backward()
    g0 = policy.first.grad[0].abs().max().item()
    print(f"   policy moved off the reference, beta = {beta}: all-equal group grad {g0:.1e}")
    assert (g0 == 0.0) if beta == 0.0 else (g0 > 1e-4)
with torch.no_grad():
    policy.first[0] = ref.first[0]

# ---- check 2: what the k3 term's gradient is ---------------------------------------------------
logits = torch.randn(VOCAB, dtype=DT, requires_grad=True)
ref_logits = torch.randn(VOCAB, dtype=DT)
lp, lp_ref = logits.log_softmax(-1), ref_logits.log_softmax(-1)
log_r = lp_ref - lp
k3 = log_r.exp() - 1 - log_r
weights = lp.exp().detach()  # E over tokens sampled from pi: the sampling is not differentiated
(g_k3,) = torch.autograd.grad((weights * k3).sum(), logits, retain_graph=True)
kl_ref_pi = (lp_ref.exp() * (lp_ref - lp)).sum()  # KL(pi_ref || pi)
kl_pi_ref = (lp.exp() * (lp - lp_ref)).sum()  # KL(pi || pi_ref), the "reverse KL" of ML usage
(g_kl_ref_pi,) = torch.autograd.grad(kl_ref_pi, logits, retain_graph=True)
(g_kl_pi_ref,) = torch.autograd.grad(kl_pi_ref, logits, retain_graph=True)
# DeepSeek-V3.2's correction: weight k3 by pi/pi_old (pi_old = pi here, sampling not differentiated)
is_ratio = (lp - lp.detach()).exp()  # value 1, but its gradient is the score function
(g_k3_is,) = torch.autograd.grad((weights * is_ratio * k3).sum(), logits)
value_err = abs((weights * k3).sum().item() - (weights * (lp - lp_ref).detach()).sum().item())
d_ref_pi = (g_k3 - g_kl_ref_pi).abs().max().item()
d_pi_ref = (g_k3 - g_kl_pi_ref).abs().max().item()
d_is = (g_k3_is - g_kl_pi_ref).abs().max().item()
print(f"2. k3: E_pi[k3] - KL(pi||ref) = {value_err:.1e}")
print(f"   E_pi[grad k3] vs grad KL(ref||pi): max |diff| = {d_ref_pi:.1e}")
print(f"   E_pi[grad k3] vs grad KL(pi||ref): max |diff| = {d_pi_ref:.2f}")
print(f"   E_pi[grad (pi/pi_old)*k3] vs grad KL(pi||ref): max |diff| = {d_is:.1e} (DeepSeek-V3.2)")
assert value_err < 1e-12 and d_ref_pi < 1e-12 and d_pi_ref > 0.05 and d_is < 1e-12

# ---- check 2b: length bias of the 1/|o_i| aggregation -------------------------------------------
# two answers in one group, 2 and 10 tokens long, both with advantage -1 (wrong), on-policy (r = 1)
lengths, a_neg = (2, 10), -1.0
logratios = [torch.zeros(n, dtype=DT, requires_grad=True) for n in lengths]
per_answer = [
    -torch.min(lr.exp() * a_neg, lr.exp().clamp(1 - EPS, 1 + EPS) * a_neg) for lr in logratios
]
seq_mean = sum(pt.mean() for pt in per_answer) / len(lengths)  # GRPO: 1/|o_i|, then 1/G
tok_mean = torch.cat(per_answer).sum() / sum(lengths)  # DAPO: one mean over all tokens
g_seq = [g[0].item() for g in torch.autograd.grad(seq_mean, logratios, retain_graph=True)]
g_tok = [g[0].item() for g in torch.autograd.grad(tok_mean, logratios)]
print("   per-token gradient of a wrong answer (A = -1), 2 vs 10 tokens long:")
print(f"   GRPO 1/|o_i|: {g_seq[0]:.4f} vs {g_seq[1]:.4f} (ratio {g_seq[0] / g_seq[1]:.1f})")
print(f"   DAPO token-level: {g_tok[0]:.4f} vs {g_tok[1]:.4f} (ratio {g_tok[0] / g_tok[1]:.1f})")
assert abs(g_seq[0] / g_seq[1] - 5.0) < 1e-12 and abs(g_tok[0] - g_tok[1]) < 1e-15

# ---- check 3: training ---------------------------------------------------------------------------
opt = torch.optim.Adam(policy.parameters(), lr=0.1)
start = policy.expected_accuracy()
batch_reward = []
print("3. training (exact expected accuracy of the digit; sampled mean reward of the batch):")
for step in range(31):
    t1, t2 = policy.sample(all_p)  # sample G answers per prompt from pi_old
    rewards = reward(all_p, t1, t2)
    adv = group_advantages(rewards)
    old = policy.token_logps(all_p[:, None], t1, t2).detach()
    batch_reward.append(rewards.mean().item())
    if step % 10 == 0:
        acc = policy.expected_accuracy()
        print(f"   step {step:2d}: accuracy {acc:.3f}, mean reward {rewards.mean().item():.3f}")
    for _ in range(2):  # mu = 2 updates per batch: this is where the clip matters
        loss, _ = grpo_loss(policy, ref, all_p, t1, t2, adv, old, BETA)
        opt.zero_grad()
        loss.backward()
        opt.step()
end = policy.expected_accuracy()
print(f"   expected accuracy {start:.3f} -> {end:.3f}")
assert end > start + 0.5 and batch_reward[-1] > batch_reward[0] + 0.5
