"""What goes wrong with the source post's RPN evaluator, run on a few inputs.

The function is copied from the post as it is (character by character, no validation);
do not reuse it. The correct version is reverse_polish_notation.py.
"""


def evaluate_postfix(expression):  # the post's code, unchanged
    stack = []
    for char in expression:
        if char.isdigit():
            stack.append(int(char))
        else:
            right = stack.pop()
            left = stack.pop()
            if char == "+":
                stack.append(left + right)
            elif char == "-":
                stack.append(left - right)
            elif char == "*":
                stack.append(left * right)
            elif char == "/":
                stack.append(left / right)
    return stack.pop()


cases = {
    "321**/-": "the post's own example: 3 operands, 4 operators",
    "34+2*": "a valid expression: (3 + 4) * 2",
    "10 2 +": "multi-digit operand, spaces between tokens",
    "62/": "division",
    "123x": "unknown character",
    "12": "two operands, no operator",
    "": "empty input",
    "40/": "division by zero",
}
results = {}
for expression, what in cases.items():
    try:
        result = repr(evaluate_postfix(expression))
    except Exception as error:  # noqa: BLE001 - we want to see what the post's code raises
        result = type(error).__name__
    results[expression] = result
    print(f"{expression!r:10} {what:47} -> {result}")

assert results == {
    "321**/-": "IndexError",  # after "321**" the stack is [6]; "/" pops an empty list
    "34+2*": "14",
    "10 2 +": "IndexError",  # " " is treated as an operator
    "62/": "3.0",  # true division returns a float
    "123x": "1",  # "x" silently consumes two operands
    "12": "2",  # the leftover operand is ignored
    "": "IndexError",
    "40/": "ZeroDivisionError",
}
