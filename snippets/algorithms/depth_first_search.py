"""Depth-first search, recursive and iterative with an explicit stack, visiting nodes in the
same order. The recursive one hits Python's recursion limit on a long chain; the iterative
one does not. On random graphs the two orders are compared, and so is a common wrong
iterative version that marks nodes when they are pushed.
"""

import random
from collections.abc import Hashable, Mapping, Sequence

Graph = Mapping[Hashable, Sequence[Hashable]]  # node -> neighbors; a node may lack a key


def dfs_recursive(graph: Graph, start: Hashable) -> list[Hashable]:
    """Preorder of the nodes reachable from start. O(V + E) time, recursion depth up to V."""
    visited: set[Hashable] = set()
    order: list[Hashable] = []

    def visit(node: Hashable) -> None:
        visited.add(node)
        order.append(node)
        for neighbor in graph.get(node, ()):  # a node without a key has no out-edges
            if neighbor not in visited:
                visit(neighbor)

    visit(start)
    return order


def dfs_iterative(graph: Graph, start: Hashable) -> list[Hashable]:
    """Same order as dfs_recursive, with a list as the stack. O(V + E) time and space."""
    visited: set[Hashable] = set()
    order: list[Hashable] = []
    stack = [start]
    while stack:
        node = stack.pop()
        if node in visited:  # a node can be on the stack several times; visit it once
            continue
        visited.add(node)  # mark when popped, not when pushed
        order.append(node)
        # push in reverse so that the first neighbor is popped (visited) first
        stack.extend(n for n in reversed(graph.get(node, ())) if n not in visited)
    return order


def dfs_mark_on_push(graph: Graph, start: Hashable) -> list[Hashable]:
    """A common mistake: marking on push, as BFS does. Still visits every node once, but not
    in depth-first order, and the implied DFS tree is wrong."""
    visited = {start}
    order: list[Hashable] = []
    stack = [start]
    while stack:
        node = stack.pop()
        order.append(node)
        for neighbor in reversed(graph.get(node, ())):
            if neighbor not in visited:
                visited.add(neighbor)
                stack.append(neighbor)
    return order


# --- the post's graph, and one where marking on push goes wrong ----------------------------
post_graph = {"A": ["B", "C"], "B": ["D", "E"], "C": ["F"], "D": [], "E": ["F"], "F": []}
order = dfs_recursive(post_graph, "A")
assert order == dfs_iterative(post_graph, "A") == ["A", "B", "D", "E", "F", "C"]
print("DFS order (recursive = iterative):", " ".join(order))

tricky = {"A": ["B", "C"], "B": ["C", "D"]}  # C is reached from B before A's turn comes
print("A->B,C; B->C,D: DFS", " ".join(dfs_iterative(tricky, "A")), end="; ")
print("mark on push", " ".join(dfs_mark_on_push(tricky, "A")))
assert dfs_recursive(tricky, "A") == ["A", "B", "C", "D"] != dfs_mark_on_push(tricky, "A")

# --- edge cases ----------------------------------------------------------------------------
for dfs in (dfs_recursive, dfs_iterative):
    assert dfs({}, "A") == ["A"]  # empty graph: only the start node
    assert dfs({"A": ["A", "A"]}, "A") == ["A"]  # self-loop and duplicate edge
    assert dfs({"A": ["B"]}, "A") == ["A", "B"]  # "B" is not a key: no KeyError
    assert dfs({1: [2], 2: [3], 3: [1]}, 2) == [2, 3, 1]  # a cycle terminates
    # disconnected graph: start a new DFS from every node not visited yet (a DFS forest)
    graph, forest, seen = {1: [2], 2: [1], 3: [4], 4: [3], 5: []}, [], set()
    for node in graph:
        if node not in seen:
            forest.append(dfs(graph, node))
            seen.update(forest[-1])
    assert forest == [[1, 2], [3, 4], [5]]

# --- a chain of 100,000 nodes: 0 -> 1 -> ... -> 99999 --------------------------------------
n = 100_000
chain = {i: [i + 1] for i in range(n - 1)}
try:
    dfs_recursive(chain, 0)
except RecursionError:
    print(f"chain of {n} nodes: recursive -> RecursionError", end="; ")
else:
    raise AssertionError("expected RecursionError at the default recursion limit (1000)")
assert dfs_iterative(chain, 0) == list(range(n))
print(f"iterative visits all {n}")


# --- random graphs: the three versions compared --------------------------------------------
def reachable(graph: Graph, start: Hashable) -> set[Hashable]:
    """Reference for the visited set: grow it until no edge leaves it (no DFS, no stack)."""
    seen, changed = {start}, True
    while changed:
        size = len(seen)
        seen |= {v for u in list(seen) for v in graph.get(u, ())}
        changed = len(seen) > size
    return seen


rng = random.Random(0)  # noqa: S311 - test data, not cryptography
differ = 0
for _ in range(500):
    size = rng.randint(1, 25)
    # neighbors drawn with replacement: duplicates, self-loops and cycles all occur
    graph = {v: [rng.randrange(size) for _ in range(rng.randint(0, 4))] for v in range(size)}
    start = rng.randrange(size)
    expected = dfs_recursive(graph, start)
    assert len(expected) == len(set(expected)) and set(expected) == reachable(graph, start)
    assert dfs_iterative(graph, start) == expected
    wrong = dfs_mark_on_push(graph, start)
    assert sorted(wrong) == sorted(expected)  # same nodes, each once...
    differ += wrong != expected  # ...but often in a different order
print("500 random graphs: each reachable node once; iterative = recursive on all;")
print(f"  mark on push differs on {differ}")
assert differ > 0
