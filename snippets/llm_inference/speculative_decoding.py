"""Speculative decoding with greedy acceptance, by hand, on two tiny Llama models (random weights).

Target: a 4-layer LlamaForCausalLM. Draft: a separate 1-layer LlamaForCausalLM with the same
vocabulary whose weights are copied from the target's embedding, first layer, final norm and
LM head, i.e. an "early exit" of the target (the idea behind self-speculative decoding; a
random, separately initialized draft would almost never agree with a random target). The
target's layers 2-4 are scaled down so they only nudge the prediction: that choice, not the
method, sets the acceptance rate printed below.

Each round the draft proposes gamma tokens greedily; the target scores all of them in ONE
forward pass; we keep the longest prefix on which the target's argmax agrees, plus the
target's own token at the first disagreement (or a bonus token when all gamma were accepted).
Checked: the output equals the target's plain greedy decoding and transformers'
generate(assistant_model=draft) token for token, with far fewer target forward passes.
Float64, no KV cache (each call recomputes the prefix), so calls are counted, not timed.
"""

import os

import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from transformers import LlamaConfig, LlamaForCausalLM  # noqa: E402
from transformers.utils import logging  # noqa: E402

# assisted generation in transformers 5.22 logs a deprecation notice about its own internal call
logging.set_verbosity_error()

torch.manual_seed(0)
SCALE = 0.1  # how much layers 2-4 may change the prediction: sets the acceptance rate
common = dict(
    vocab_size=128, hidden_size=64, intermediate_size=128, num_attention_heads=4,
    num_key_value_heads=2, max_position_embeddings=128, initializer_range=0.2,
    bos_token_id=0, eos_token_id=None, pad_token_id=0,
)  # fmt: skip
target = LlamaForCausalLM(LlamaConfig(num_hidden_layers=4, **common)).to(torch.float64).eval()
draft = LlamaForCausalLM(LlamaConfig(num_hidden_layers=1, **common)).to(torch.float64).eval()
draft.model.embed_tokens.load_state_dict(target.model.embed_tokens.state_dict())
draft.model.layers[0].load_state_dict(target.model.layers[0].state_dict())
draft.model.norm.load_state_dict(target.model.norm.state_dict())
draft.lm_head.load_state_dict(target.lm_head.state_dict())
with torch.no_grad():  # layers 2-4 only nudge the residual stream, so the draft is usually right
    for layer in target.model.layers[1:]:
        layer.self_attn.o_proj.weight.mul_(SCALE)
        layer.mlp.down_proj.weight.mul_(SCALE)
calls = {"target": 0, "draft": 0}


@torch.no_grad()
def forward(name, seq):
    calls[name] += 1
    return (target if name == "target" else draft)(seq).logits[0]


def plain_greedy(prompt, n_new):
    seq = prompt
    for _ in range(n_new):
        seq = torch.cat([seq, forward("target", seq)[-1].argmax().view(1, 1)], dim=1)
    return seq


def speculative_greedy(prompt, n_new, gamma):
    seq, proposed, accepted = prompt, 0, 0
    while seq.shape[1] - prompt.shape[1] < n_new:
        n0 = seq.shape[1]
        guess = seq
        for _ in range(gamma):  # 1. draft: gamma cheap sequential steps
            guess = torch.cat([guess, forward("draft", guess)[-1].argmax().view(1, 1)], dim=1)
        # 2. target: one pass over prefix + gamma guesses -> its argmax at gamma + 1 positions
        best = forward("target", guess)[n0 - 1 :].argmax(-1)
        cand = guess[0, n0:]
        n = 0
        while n < gamma and cand[n] == best[n]:  # 3. longest agreeing prefix
            n += 1
        new = torch.cat([cand[:n], best[n : n + 1]])  # + correction (or bonus if n == gamma)
        seq = torch.cat([seq, new.view(1, -1)], dim=1)
        proposed, accepted = proposed + gamma, accepted + n
    return seq[:, : prompt.shape[1] + n_new], accepted / proposed


prompt = torch.tensor([[1, 17, 42, 5, 99, 23, 64, 8]])
N = 60
ref = plain_greedy(prompt, N)
plain_calls = calls["target"]
print(f"plain greedy: {N} tokens, {plain_calls} target passes")
for gamma in (2, 4, 6):
    calls.update(target=0, draft=0)
    out, acc = speculative_greedy(prompt, N, gamma)
    assert torch.equal(out, ref)  # greedy acceptance never changes the output
    assert calls["target"] < plain_calls
    print(f"speculative gamma={gamma}: identical tokens, {calls['target']:>2} target passes "
          f"({N / calls['target']:.2f} tokens each), {calls['draft']:>3} draft passes, "
          f"draft tokens accepted {acc:.0%}")  # fmt: skip

# The same with transformers' assisted generation (greedy): identical tokens again
draft.generation_config.num_assistant_tokens = 4
draft.generation_config.num_assistant_tokens_schedule = "constant"
with torch.no_grad():
    hf_plain = target.generate(prompt, max_new_tokens=N, do_sample=False)
    hf_assisted = target.generate(prompt, max_new_tokens=N, do_sample=False, assistant_model=draft)
assert torch.equal(hf_plain, ref) and torch.equal(hf_assisted, ref)
print("transformers generate(assistant_model=draft) == generate() == hand-written: True")
