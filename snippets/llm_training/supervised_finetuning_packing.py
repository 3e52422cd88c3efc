"""Packing SFT examples into one row without letting them see each other.

Three documents of different lengths go into one row of a tiny LlamaForCausalLM (random weights,
float64). The reference is each document run on its own. Packed versions:
  a. by hand: positions restart at 0 for every document and a block-diagonal causal mask
     (a 4D additive mask) lets each token attend only to earlier tokens of its own document;
  b. transformers' padding-free path: position_ids that restart and no attention_mask, so the
     model builds the block-diagonal mask itself (masking_utils.find_packed_sequence_indices).
     In transformers 5.22 it does so only without a KV cache: with the default use_cache=True
     the forward pass creates a DynamicCache and the detection is skipped (shown as b'). The
     Trainer sets model.config.use_cache = TrainingArguments.use_cache (False by default), which
     turns it off for every call (b'');
  c. naive packing: plain causal attention over the whole row, positions 0..L-1;
  d. the block-diagonal mask with positions NOT reset: RoPE scores depend only on relative
     positions, so for a RoPE model the mask is what matters.
The packed labels come from DataCollatorWithFlattening (-100 on each document's first token, so
no document is trained to predict the next one's start) and are checked against a hand-built row.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
import torch.nn.functional as F
from transformers import DataCollatorWithFlattening, LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
config = LlamaConfig(
    vocab_size=100, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2,
)  # fmt: skip
model = LlamaForCausalLM(config).to(torch.float64).eval()
docs = [torch.randint(0, 100, (n,)).tolist() for n in (7, 5, 9)]

# Hand-built packed row.
input_ids = torch.tensor([sum(docs, [])])
position_ids = torch.tensor([[p for d in docs for p in range(len(d))]])
doc_id = torch.tensor([i for i, d in enumerate(docs) for _ in d])
labels = torch.tensor([[-100 if p == 0 else t for d in docs for p, t in enumerate(d)]])
L = input_ids.shape[1]
allowed = (doc_id[:, None] == doc_id[None, :]) & torch.ones(L, L, dtype=torch.bool).tril()
mask4d = torch.zeros(1, 1, L, L, dtype=torch.float64).masked_fill(~allowed, -torch.inf)

batch = DataCollatorWithFlattening(return_tensors="pt")([{"input_ids": d} for d in docs])
assert torch.equal(batch["input_ids"], input_ids) and torch.equal(batch["labels"], labels)
assert torch.equal(batch["position_ids"], position_ids), "same row as DataCollatorWithFlattening"
print(f"packed row: {L} tokens from documents of {[len(d) for d in docs]} tokens;")
print(f"  position_ids {position_ids[0].tolist()}")

with torch.no_grad():
    alone = torch.cat([model(torch.tensor([d])).logits[0] for d in docs])  # reference
    runs = {}
    runs["a. reset positions + block-diagonal mask"] = model(
        input_ids, attention_mask=mask4d, position_ids=position_ids
    ).logits[0]
    runs["b. restarting position_ids, use_cache=False"] = model(
        input_ids, position_ids=position_ids, use_cache=False
    ).logits[0]
    runs["b'. the same with the default use_cache=True"] = model(
        input_ids, position_ids=position_ids
    ).logits[0]
    model.config.use_cache = False  # what Trainer does, from TrainingArguments.use_cache=False
    runs["b''. default call, config.use_cache=False"] = model(
        input_ids, position_ids=position_ids
    ).logits[0]
    model.config.use_cache = True
    runs["c. naive (causal over the whole row)"] = model(input_ids).logits[0]
    runs["d. block-diagonal mask, positions 0..L-1"] = model(
        input_ids, attention_mask=mask4d
    ).logits[0]


def per_doc_error(logits: torch.Tensor) -> list[float]:
    return [(logits - alone)[doc_id == i].abs().max().item() for i in range(len(docs))]


print("max |logit difference| from running each document alone, per document:")
for name, logits in runs.items():
    shown = [
        f"{e:.1e}" if e > 1e-6 else "< 1e-6" if e > 1e-12 else "< 1e-12"
        for e in per_doc_error(logits)
    ]
    print(f"  {name:45s}" + "".join(f"{x:>10s}" for x in shown))
err = {name.split(".")[0]: per_doc_error(x) for name, x in runs.items()}
assert max(err["a"]) < 1e-12 and max(err["b"]) < 1e-12, "reset packing = separate documents"
assert err["c"][0] < 1e-12, "naive packing: the first document sees nothing before it"
assert min(err["c"][1:]) > 1e-3, "naive packing: later documents attend to earlier ones"
assert min(err["b'"][1:]) > 1e-3, "with a cache object the packed mask is not built"
assert max(err["b''"]) < 1e-12, "config.use_cache=False (as Trainer sets it) avoids the cache"
assert max(err["d"]) < 1e-6, "RoPE: shifting a document's positions changes nothing"
# (not < 1e-12: transformers computes the RoPE cos/sin tables in float32)


def token_losses(logits: torch.Tensor) -> torch.Tensor:
    """Per-token loss of the packed row: position t predicts t+1 where the label is not -100."""
    return F.cross_entropy(logits[:-1], labels[0, 1:], ignore_index=-100, reduction="none")


keep = labels[0, 1:] != -100
with torch.no_grad():
    separate = torch.cat(
        [F.cross_entropy(model(torch.tensor([d])).logits[0, :-1], torch.tensor(d[1:]),
                         reduction="none") for d in docs]
    )  # fmt: skip
packed_a = token_losses(runs["a. reset positions + block-diagonal mask"])[keep]
packed_c = token_losses(runs["c. naive (causal over the whole row)"])[keep]
print(
    f"{int(keep.sum())} supervised tokens (3 document starts get -100); mean loss:"
    f" separate {separate.mean():.4f}, packed+reset {packed_a.mean():.4f},"
    f" naive {packed_c.mean():.4f}"
)
assert (packed_a - separate).abs().max() < 1e-12
assert (packed_c - separate).abs().max() > 1e-3
