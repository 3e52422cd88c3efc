"""BPE training by hand, checked merge by merge against the `tokenizers` library.

The corpus mixes English and Chinese. Both trainers start from the characters of the
corpus, split words on whitespace only (so a Chinese sentence is one "word"), and on
each step merge the most frequent adjacent pair. Ties are broken the way the library
does it: the pair with the smallest token ids wins, where the initial characters are
numbered in Unicode order and each merged token gets the next id.
"""

import json
import os
from collections import Counter

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

from tokenizers import Tokenizer, models, pre_tokenizers, trainers

corpus = [
    "the lowest tower is lower than the newest tower",
    "newer towers are wider and lower",
    "我们喜欢机器学习，机器学习需要数据",
    "大模型需要大量数据，我们学习大模型",
    "机器学习模型和大模型都需要数据",
] * 3
NUM_MERGES = 30


def train_bpe(texts: list[str], num_merges: int) -> list[tuple[str, str]]:
    """Whiteboard BPE: count adjacent pairs, merge the most frequent, repeat."""
    word_counts = Counter(w for t in texts for w in t.split())
    alphabet = sorted({ch for w in word_counts for ch in w})
    token_id = {ch: i for i, ch in enumerate(alphabet)}  # Unicode order, as the library
    splits = {w: list(w) for w in word_counts}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for w, n in word_counts.items():
            for a, b in zip(splits[w], splits[w][1:], strict=False):
                pairs[a, b] += n
        if not pairs:
            break
        best = max(pairs, key=lambda p: (pairs[p], -token_id[p[0]], -token_id[p[1]]))
        merges.append(best)
        token_id.setdefault(best[0] + best[1], len(token_id))
        for w, s in splits.items():  # apply the merge left to right in every word
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1])
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            splits[w] = out
    return merges


def encode(word: str, merges: list[tuple[str, str]]) -> list[str]:
    """Apply the learned merges in the order they were learned."""
    s = list(word)
    for a, b in merges:
        i = 0
        while i < len(s) - 1:
            if (s[i], s[i + 1]) == (a, b):
                s[i : i + 2] = [a + b]
            else:
                i += 1
    return s


# The library, set up the same way: no normalizer, whitespace split, no special tokens.
alphabet_size = len({ch for t in corpus for ch in t if not ch.isspace()})
tokenizer = Tokenizer(models.BPE())
tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
trainer = trainers.BpeTrainer(vocab_size=alphabet_size + NUM_MERGES, show_progress=False)
tokenizer.train_from_iterator(corpus, trainer)
library_merges = [tuple(m) for m in json.loads(tokenizer.to_str())["model"]["merges"]]

scratch_merges = train_bpe(corpus, len(library_merges))
same = sum(a == b for a, b in zip(scratch_merges, library_merges, strict=True))
print(f"alphabet {alphabet_size} characters; {len(library_merges)} merges learned")
print(f"merges identical to the library's: {same}/{len(library_merges)}")
print("first 10 merges:", " ".join(f"{a}+{b}" for a, b in scratch_merges[:10]))
assert scratch_merges == library_merges

for text in ["the newest towers", "大模型需要机器学习"]:
    ours = [tok for w in text.split() for tok in encode(w, scratch_merges)]
    theirs = tokenizer.encode(text).tokens
    print(f"{text} -> {' | '.join(ours)}")
    assert ours == theirs, (ours, theirs)
print("encodings identical to the library's: yes")
