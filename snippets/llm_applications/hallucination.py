"""Hallucination detection arithmetic on GIVEN samples (no LLM runs here).

The sampled answers below are typed in, standing in for 10 samples at temperature 1 from a model.
1. Semantic entropy (Farquhar et al., Nature 2024, "discrete" variant: cluster frequencies) vs
   naive entropy over distinct strings. The real method clusters answers by bidirectional
   entailment with an NLI model or an LLM; here the equivalence rule is stated and simple:
   lowercase, drop punctuation and a few filler words, then exact match.
2. A self-consistency score (SelfCheckGPT-style): the share of samples that agree with the answer
   we are about to show.
3. A toy grounding check: the share of a claim's content words found in the retrieved passage.
   It flags a contradicting number (intrinsic) and an unsupported detail (extrinsic) with the
   same score, so it cannot tell the two kinds apart, and it misses a negation: both need NLI.
4. Kalai et al. (2025): under binary grading, guessing always beats "I don't know"; with a
   penalty of t/(1-t) per wrong answer, answering pays only when confidence exceeds t.
"""

import math
import re
from collections import Counter

from scipy.stats import entropy as scipy_entropy

SAMPLES = {
    "capital of France": [
        "Paris", "Paris.", "paris", "It is Paris.", "Paris", "The answer is Paris",
        "PARIS", "Paris!", "It's Paris.", "paris.",
    ],
    "year the (fictional) Harlow Bridge opened": [
        "1912", "1931", "It opened in 1912.", "1908", "1931.", "1927",
        "In 1912", "1915", "1931", "1908.",
    ],
}  # fmt: skip
FILLER = {"it", "is", "its", "it's", "the", "answer", "opened", "in"}


def meaning(answer: str) -> str:
    """The stated equivalence rule (a stand-in for bidirectional NLI entailment)."""
    words = re.sub(r"[^\w\s']", " ", answer.lower()).split()
    return " ".join(w for w in words if w not in FILLER)


def entropy_nats(labels) -> float:
    counts = Counter(labels).values()
    n = sum(counts)
    return sum(c / n * math.log(n / c) for c in counts)


print("toy samples typed in, not generated; clusters by a stated rule, not an NLI model")
print(f"{'question':44s} strings naive_H clusters semantic_H agree")
max_diff, results = 0.0, {}
for question, answers in SAMPLES.items():
    naive = entropy_nats(answers)  # every distinct string is its own outcome
    clusters = [meaning(a) for a in answers]
    semantic = entropy_nats(clusters)
    for labels, h in ((answers, naive), (clusters, semantic)):  # reference: scipy, natural log
        max_diff = max(max_diff, abs(h - scipy_entropy(list(Counter(labels).values()))))
    shown = meaning(answers[0])  # the answer the user would see (say, the greedy one)
    agree = clusters.count(shown) / len(clusters)
    results[question] = (naive, semantic, agree)
    print(f"{question:44s} {len(set(answers)):7d} {naive:7.3f} {len(set(clusters)):8d}"
          f" {semantic:10.3f} {agree:5.1f}")  # fmt: skip
print(f"max |own entropy - scipy.stats.entropy| = {max_diff:.1e}")
assert max_diff < 1e-12
(known_naive, known_sem, known_agree), (conf_naive, conf_sem, conf_agree) = results.values()
assert known_naive > 1.5 and conf_naive > 1.5, "string entropy is high for both questions"
assert abs(known_naive - conf_naive) < 1e-12, "and identical: it cannot separate them"
assert known_sem == 0.0 and conf_sem > 1.0, "only semantic entropy separates them"
assert known_agree == 1.0 and conf_agree < 0.5

# 3. Toy grounding: content words of each claim that appear in the retrieved passage.
passage = ("The Harlow Bridge is a steel arch bridge over the Tain river. Construction began in "
           "1927 and the bridge opened to traffic in 1931.")  # fmt: skip
STOP = {"the", "a", "is", "in", "to", "and", "of", "over", "was", "did", "not", "it"}


def support(claim: str) -> float:
    words = set(re.findall(r"\w+", passage.lower()))
    content = [w for w in re.findall(r"\w+", claim.lower()) if w not in STOP]
    return sum(w in words for w in content) / len(content)


claims = {  # the true kind of each claim, as a human or an NLI model would label it
    "The Harlow Bridge opened to traffic in 1931.": "supported",
    "The Harlow Bridge opened to traffic in 1912.": "intrinsic: contradicts 1931",
    "The Harlow Bridge over the Tain river is tolled.": "extrinsic: passage is silent",
    "The Harlow Bridge was not opened to traffic in 1931.": "intrinsic: contradicts 1931",
}
scores = {c: support(c) for c in claims}
for claim, note in claims.items():
    flag = "ok  " if scores[claim] == 1.0 else "FLAG"
    print(f"grounding {scores[claim]:.2f} {flag} {claim}  [{note}]")
s_ok, s_intr, s_extr, s_neg = scores.values()
assert s_ok == 1.0 and s_intr < 1.0 and s_extr < 1.0, "both kinds are flagged"
assert s_intr == s_extr, "same score for an intrinsic and an extrinsic claim: kind is invisible"
assert s_neg == 1.0, "word overlap cannot see negation: this is the toy check's blind spot"


# 4. Scoring rules (Kalai et al. 2025): right = +1, "I don't know" = 0, wrong = -t/(1-t).
def expected_score(p_correct: float, t: float) -> float:
    return p_correct - (1 - p_correct) * t / (1 - t)


for t in (0.0, 0.5, 0.75):
    row = "  ".join(f"p={p:.1f}: {expected_score(p, t):+.2f}" for p in (0.3, 0.6, 0.9))
    print(f"answer vs IDK (=0), threshold t={t:.2f}: {row}")
assert all(expected_score(p, 0.0) > 0 for p in (0.01, 0.3)), "binary grading: any guess beats IDK"
for t in (0.5, 0.75, 0.9):
    assert abs(expected_score(t, t)) < 1e-12, "break-even exactly at confidence t"
    assert expected_score(t + 0.01, t) > 0 > expected_score(t - 0.01, t)
