"""The Laplace mechanism and the privacy budget.

A counting query answered with Laplace noise of scale sensitivity/epsilon: we check the noise
scale empirically, check the e^epsilon bound on two neighboring datasets, and show why a
budget is needed: repeated answers compose (their epsilons add up) and averaging them
recovers the exact count.
"""

import math

import numpy as np

rng = np.random.default_rng(0)
ages = rng.integers(18, 90, size=1000)  # a toy sensitive dataset: one age per person
true_count = int((ages > 60).sum())  # the query: how many people are over 60?
SENSITIVITY = 1.0  # adding or removing one person changes a count by at most 1


def laplace_mechanism(value: float, sensitivity: float, epsilon: float, size=None):
    """epsilon-DP answer: the true value plus Laplace noise of scale b = sensitivity / epsilon."""
    return value + rng.laplace(loc=0.0, scale=sensitivity / epsilon, size=size)


print(f"true count (age > 60): {true_count}")
print("epsilon  scale b  mean |noise|  noise std  sqrt(2)*b")
for epsilon in (0.1, 1.0, 10.0):
    b = SENSITIVITY / epsilon
    noise = laplace_mechanism(true_count, SENSITIVITY, epsilon, size=200_000) - true_count
    mean_abs, std = np.abs(noise).mean(), noise.std()
    print(f"{epsilon:7.1f} {b:8.3f} {mean_abs:13.3f} {std:10.3f} {math.sqrt(2) * b:10.3f}")
    assert abs(mean_abs / b - 1) < 0.02 and abs(std / (math.sqrt(2) * b) - 1) < 0.02


# The DP guarantee: for neighboring datasets (one person more: count + 1), the probability
# of any set of outputs differs by at most a factor e^epsilon. Check it on intervals of
# outputs, with probabilities from the Laplace CDF.
def laplace_cdf(x, loc: float, b: float):
    z = (x - loc) / b
    return np.where(z < 0, 0.5 * np.exp(z), 1 - 0.5 * np.exp(-z))


epsilon = 1.0
edges = np.arange(true_count - 10.0, true_count + 11.0, 0.25)
p_d = np.diff(laplace_cdf(edges, true_count, SENSITIVITY / epsilon))
p_d1 = np.diff(laplace_cdf(edges, true_count + 1, SENSITIVITY / epsilon))
ratio = np.maximum(p_d / p_d1, p_d1 / p_d).max()
print(f"neighboring datasets, eps=1: max probability ratio {ratio:.3f} <= e^1 = {math.e:.3f}")
assert ratio <= math.exp(epsilon) + 1e-9


# Composition: k answers at epsilon each cost k * epsilon in total. Without a budget, an
# analyst who repeats the query 1000 times at eps=0.1 averages the noise away.
answers = laplace_mechanism(true_count, SENSITIVITY, 0.1, size=1000)
print(
    f"no budget: 1000 answers at eps=0.1 (total eps 100), mean {answers.mean():.2f}, "
    f"rounds to the true count: {round(answers.mean()) == true_count}"
)
assert round(answers.mean()) == true_count


class PrivacyBudget:
    """A minimal accountant for pure epsilon-DP with basic (additive) composition."""

    def __init__(self, total_epsilon: float):
        self.total, self.spent = total_epsilon, 0.0

    def answer(self, value: float, sensitivity: float, epsilon: float) -> float:
        if self.spent + epsilon > self.total + 1e-12:
            raise RuntimeError(f"privacy budget exhausted ({self.spent:.1f} of {self.total})")
        self.spent += epsilon
        return float(laplace_mechanism(value, sensitivity, epsilon))


budget = PrivacyBudget(total_epsilon=1.0)
answered = 0
try:
    while True:
        budget.answer(true_count, SENSITIVITY, epsilon=0.1)
        answered += 1
except RuntimeError as refused:
    print(f"budget eps=1.0: {answered} answers at eps=0.1, then refused: {refused}")
assert answered == 10
