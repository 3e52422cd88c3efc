"""Evaluate Reverse Polish Notation with a stack: space-separated tokens (multi-digit and
negative numbers), integer division truncating toward zero as in LeetCode 150, and a
ValueError for every malformed expression. Checked against Python's own parser on random
expressions.
"""

import ast
import math
import operator
import random
import re
from collections.abc import Callable, Iterable
from fractions import Fraction

NUMBER = re.compile(r"[+-]?[0-9]+")  # "42", "-7", "+3"; a lone "-" is the operator


def truncating_div(left: int, right: int) -> int:
    """Integer division rounded toward zero (7 / -2 -> -3), exact for any size of int."""
    quotient = abs(left) // abs(right)
    return quotient if (left < 0) == (right < 0) else -quotient


OPERATORS: dict[str, Callable[[int, int], int]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": truncating_div,
}


def eval_rpn(expression: str | Iterable[str]) -> int:
    """Evaluate "3 4 + 2 *" (or the token list ["3", "4", "+", "2", "*"]). O(n) time and space."""
    tokens = expression.split() if isinstance(expression, str) else list(expression)
    if not tokens:
        raise ValueError("empty expression")
    stack: list[int] = []
    for position, token in enumerate(tokens, start=1):
        if token in OPERATORS:
            if len(stack) < 2:
                raise ValueError(
                    f"too few operands: {token!r} (token {position}) needs 2, has {len(stack)}"
                )
            right = stack.pop()  # pushed last, so it is the right-hand operand
            left = stack.pop()
            try:
                stack.append(OPERATORS[token](left, right))
            except ZeroDivisionError:
                raise ValueError(f"division by zero at token {position}") from None
        elif NUMBER.fullmatch(token):
            stack.append(int(token))
        else:
            raise ValueError(f"unknown token {token!r} (token {position})")
    if len(stack) != 1:
        raise ValueError(f"leftover operands: {stack} remain, an operator is missing")
    return stack[0]


# --- valid expressions, including the ones the post needed ---------------------------------
examples = {
    "3 4 + 2 *": 14,  # (3 + 4) * 2, a valid replacement for the post's example
    "2 1 + 3 *": 9,
    "10 2 +": 12,  # multi-digit operands
    "4 13 5 / +": 6,  # 13 / 5 -> 2
    "7 -2 /": -3,  # truncates toward zero; 7 // -2 would give -4
    "-7 2 /": -3,
    "10 6 9 3 + -11 * / * 17 + 5 +": 22,  # LeetCode 150, example 3
    "42": 42,  # a single operand is a valid expression
    "5 5 -": 0,
}
for expression, expected in examples.items():
    assert eval_rpn(expression) == expected, expression
assert eval_rpn(["2", "1", "+", "3", "*"]) == 9  # a token list works too
assert 7 // -2 == -4 and truncating_div(7, -2) == -3
print(f"{len(examples)} valid examples OK, e.g. '3 4 + 2 *' = {eval_rpn('3 4 + 2 *')}")

# int(left / right) is the usual one-liner: fine for 32-bit values, but it goes through a
# float and loses precision above 2**53. truncating_div stays exact.
big = 10**17 + 1
assert int(big / 1) != big and eval_rpn(f"{big} 1 /") == big
print(f"int({big} / 1) = {int(big / 1)}, truncating_div gives {truncating_div(big, 1)}")

# --- malformed expressions: each raises ValueError with a message ------------------------
print("malformed input:")
for bad in ["3 2 1 * * / -", "", "1 2", "1 2 x", "4 0 /", "+", "1 2 + +"]:
    try:
        eval_rpn(bad)
    except ValueError as error:
        print(f"  {bad!r:17} -> {error}")
    else:
        raise AssertionError(f"{bad!r} should be rejected")


# --- reference: the same expression in infix, read by Python's parser (no eval()) ----------
def random_expression(rng: random.Random, n_operators: int) -> tuple[list[str], str]:
    """A random expression tree, written both as RPN tokens and as parenthesized infix."""
    if n_operators == 0:
        value = rng.randint(-30, 30)
        return [str(value)], f"({value})" if value < 0 else str(value)
    n_left = rng.randint(0, n_operators - 1)
    left_rpn, left_infix = random_expression(rng, n_left)
    right_rpn, right_infix = random_expression(rng, n_operators - 1 - n_left)
    op = rng.choice("+-*/")
    return left_rpn + right_rpn + [op], f"({left_infix} {op} {right_infix})"


def eval_infix(text: str) -> int:
    """Walk the syntax tree of an infix expression; / is exact, then truncated toward zero."""

    def walk(node: ast.expr) -> int:
        match node:
            case ast.Constant(value=int() as value):
                return value
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return -walk(operand)
            case ast.BinOp(left=left, op=op, right=right):
                a, b = walk(left), walk(right)
                if isinstance(op, ast.Div):
                    return math.trunc(Fraction(a, b))  # ZeroDivisionError when b == 0
                return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}[type(op)]
        raise ValueError(f"unexpected syntax: {ast.dump(node)}")

    return walk(ast.parse(text, mode="eval").body)


rng = random.Random(0)  # noqa: S311 - test data, not cryptography
agree = zero_division = 0
for _ in range(3000):
    tokens, infix = random_expression(rng, rng.randint(0, 12))
    try:
        expected = eval_infix(infix)
    except ZeroDivisionError:
        try:
            eval_rpn(tokens)
        except ValueError as error:
            assert str(error).startswith("division by zero"), error
            zero_division += 1
            continue
        raise AssertionError(f"{infix} divides by zero, but eval_rpn accepted it") from None
    assert eval_rpn(tokens) == expected, (tokens, infix)
    assert eval_rpn(" ".join(tokens)) == expected
    agree += 1
print(f"random expressions: {agree} agree with the infix reference, {zero_division} divide by 0")
assert agree + zero_division == 3000 and zero_division > 0
