"""Extending a tokenizer and a model's embeddings for Chinese, Chinese-LLaMA style.

1. A "base" tokenizer like Llama 2's: character-level BPE with byte fallback, trained on
   English only, so each Chinese character falls back to its 3 UTF-8 byte tokens.
2. A second BPE trained on Chinese text. Its new tokens are appended after the old ids
   and its merges after the old merges, so every old id keeps its meaning.
3. A small LlamaForCausalLM built for the base vocabulary gets new embedding and LM-head
   rows (resize_token_embeddings); each new row is then set to the mean of the rows of
   the old pieces the token used to be split into.
"""

import json
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM

english = ["the model reads more text than any person", "a larger vocabulary means fewer tokens"]
chinese = [
    "大模型需要大量数据",
    "机器学习需要数据和算力",
    "我们用中文数据继续预训练大模型",
    "扩充词表以后中文文本的词元更少",
]
BYTES = [f"<0x{b:02X}>" for b in range(256)]  # byte-fallback tokens, ids 0..255


def train_bpe(corpus: list[str], merges: int) -> tuple[dict, list]:
    """Character-level BPE with SentencePiece's ▁ for spaces; returns vocab and merges."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    n_chars = len({c for t in corpus for c in t.replace(" ", "▁")}) + 1
    trainer = trainers.BpeTrainer(vocab_size=n_chars + merges, show_progress=False)
    tok.train_from_iterator(corpus * 5, trainer)
    model = json.loads(tok.to_str())["model"]
    return model["vocab"], [tuple(m) for m in model["merges"]]


def build(vocab: dict, merges: list) -> Tokenizer:
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, byte_fallback=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Sequence([
        decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
        decoders.Strip(" ", 1, 0),
    ])  # fmt: skip
    return tok


def extend(vocab: dict, new_vocab: dict) -> dict:
    """Keep every existing id; append unseen tokens in the order they were learned."""
    vocab = dict(vocab)
    for token in sorted(new_vocab, key=new_vocab.get):
        vocab.setdefault(token, len(vocab))
    return vocab


en_vocab, en_merges = train_bpe(english, merges=60)
base_vocab = extend({b: i for i, b in enumerate(BYTES)}, en_vocab)
base = build(base_vocab, en_merges)

zh_vocab, zh_merges = train_bpe(chinese, merges=60)  # the "Chinese tokenizer"
vocab = extend(base_vocab, zh_vocab)
merges = en_merges + [m for m in zh_merges if m not in set(en_merges)]
extended = build(vocab, merges)
n_old, n_new = base.get_vocab_size(), extended.get_vocab_size()
print(f"vocabulary: base {n_old} + {n_new - n_old} Chinese tokens = {n_new}")

for text in english:  # English is tokenized exactly as before: same ids
    assert extended.encode(text).ids == base.encode(text).ids
text = "我们需要大量中文数据"
before, after = base.encode(text), extended.encode(text)
assert base.decode(before.ids) == extended.decode(after.ids) == text
print(f"{text}: {len(before.ids)} tokens -> {len(after.ids)} tokens")
print("  before:", " ".join(before.tokens[:7]), "...")
print("  after: ", " ".join(after.tokens))
assert len(after.ids) < len(before.ids) / 2

# The model: new rows for the embedding and for the (untied) LM head.
torch.manual_seed(0)
config = LlamaConfig(
    vocab_size=n_old, hidden_size=64, intermediate_size=172, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=False,
)  # fmt: skip
model = LlamaForCausalLM(config).double().eval()
ids = torch.tensor([base.encode(english[0]).ids])
with torch.inference_mode():
    old_logits = model(ids).logits
old_embed = model.get_input_embeddings().weight.detach().clone()

model.resize_token_embeddings(n_new)  # default mean_resizing=True in transformers
embed, head = model.get_input_embeddings().weight, model.get_output_embeddings().weight
diff_old = (embed[:n_old] - old_embed).abs().max().item()
diff_mean = (embed[n_old:] - old_embed.mean(0)).abs().max().item()
print(f"resize {n_old} -> {embed.shape[0]} rows: old rows max |diff| {diff_old:.1e}")
assert diff_old == 0 and diff_mean < 1e-4
print("  transformers' new rows: within 1e-4 of the mean of all old rows")

# Whiteboard init: a new token starts as the mean of the old pieces it replaces.
id_to_token = {i: t for t, i in vocab.items()}
with torch.no_grad():
    for new_id in range(n_old, n_new):
        pieces = [t.id for t in base.model.tokenize(id_to_token[new_id])]
        embed[new_id] = embed[pieces].mean(0)
        head[new_id] = head[pieces].mean(0)
example = extended.token_to_id(after.tokens[-1])
pieces = base.model.tokenize(id_to_token[example])
print(f"  new token {after.tokens[-1]} = mean of old rows {[t.value for t in pieces]}")

with torch.inference_mode():
    new_logits = model(ids).logits
diff = (new_logits[..., :n_old] - old_logits).abs().max().item()
print(f"English logits over the old vocabulary after the extension: max |diff| {diff:.1e}")
assert diff == 0
