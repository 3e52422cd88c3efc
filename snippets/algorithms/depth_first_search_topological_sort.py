"""Topological sort and cycle detection with DFS and three colors: white = not seen, gray =
on the current path, black = finished. An edge to a gray node closes a cycle. The DFS is
iterative (a stack of neighbor iterators), so long chains are fine. Checked against Kahn's
algorithm on random graphs.
"""

import random
from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from itertools import pairwise

Graph = Mapping[Hashable, Sequence[Hashable]]  # edge u -> v: u must come before v
WHITE, GRAY, BLACK = "white", "gray", "black"


class CycleError(ValueError):
    def __init__(self, cycle: list[Hashable]) -> None:
        super().__init__("cycle: " + " -> ".join(map(str, cycle)))
        self.cycle = cycle


def all_nodes(graph: Graph) -> list[Hashable]:
    """Keys and neighbors, in first-seen order (a neighbor may have no key of its own)."""
    return list(dict.fromkeys([*graph, *(v for vs in graph.values() for v in vs)]))


def topological_sort(graph: Graph) -> list[Hashable]:
    """Reverse DFS finishing order. O(V + E). Raises CycleError if the graph has a cycle."""
    color = dict.fromkeys(all_nodes(graph), WHITE)
    finished: list[Hashable] = []
    for root in color:
        if color[root] != WHITE:
            continue
        color[root] = GRAY
        path = [root]  # the gray nodes, in order
        stack = [iter(graph.get(root, ()))]  # one iterator per node on the path
        while stack:
            for neighbor in stack[-1]:  # resume where this node left off
                if color[neighbor] == WHITE:
                    color[neighbor] = GRAY
                    path.append(neighbor)
                    stack.append(iter(graph.get(neighbor, ())))
                    break
                if color[neighbor] == GRAY:  # back edge: neighbor is an ancestor
                    raise CycleError([*path[path.index(neighbor) :], neighbor])
            else:  # all neighbors done: the node finishes
                stack.pop()
                node = path.pop()
                color[node] = BLACK
                finished.append(node)
    return finished[::-1]


def kahn(graph: Graph) -> list[Hashable] | None:
    """Reference: repeatedly remove nodes with in-degree 0; None if a cycle remains."""
    nodes = all_nodes(graph)
    indegree = dict.fromkeys(nodes, 0)
    for vs in graph.values():
        for v in vs:
            indegree[v] += 1
    queue = deque(v for v in nodes if indegree[v] == 0)
    order = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for v in graph.get(node, ()):
            indegree[v] -= 1
            if indegree[v] == 0:
                queue.append(v)
    return order if len(order) == len(nodes) else None


def is_topological(order: list[Hashable], graph: Graph) -> bool:
    position = {node: i for i, node in enumerate(order)}
    return all(position[u] < position[v] for u, vs in graph.items() for v in vs)


# --- getting dressed: an edge means "put on before" -----------------------------------------
dressing = {
    "undershorts": ["trousers", "shoes"],
    "trousers": ["belt", "shoes"],
    "belt": ["jacket"],
    "shirt": ["belt", "tie"],
    "tie": ["jacket"],
    "socks": ["shoes"],
}
order = topological_sort(dressing)
print("order:", ", ".join(order))
assert is_topological(order, dressing) and len(order) == 8

# --- cycles, edge cases ---------------------------------------------------------------------
for cyclic in ({"a": ["b"], "b": ["c"], "c": ["a"]}, {"x": ["x"]}, {1: [2], 2: [3, 4], 4: [2]}):
    try:
        topological_sort(cyclic)
    except CycleError as error:
        print(error)
        assert error.cycle[0] == error.cycle[-1] and kahn(cyclic) is None
        assert all(v in cyclic[u] for u, v in pairwise(error.cycle))  # real edges
    else:
        raise AssertionError(f"{cyclic} has a cycle")
assert topological_sort({}) == []
assert topological_sort({"only": []}) == ["only"]
assert topological_sort({"a": ["b", "b"]}) == ["a", "b"]  # a duplicate edge is not a cycle
assert topological_sort({"a": ["c"], "b": ["c"]}) == ["b", "a", "c"]  # c visited twice: fine
chain = {i: [i + 1] for i in range(99_999)}
assert topological_sort(chain) == list(range(100_000))  # no recursion limit

# --- random graphs: DFS and Kahn agree on "is there a cycle", and both orders are valid ------
rng = random.Random(0)  # noqa: S311 - test data, not cryptography
dags = cyclic_graphs = 0
for trial in range(600):
    n = rng.randint(1, 20)
    rank = rng.sample(range(n), n)  # a hidden order; half of the graphs respect it (DAGs)
    graph: dict[int, list[int]] = {v: [] for v in range(n)}
    for _ in range(rng.randint(0, 2 * n)):
        u, v = rng.randrange(n), rng.randrange(n)
        if trial % 2 == 0 and rank[u] >= rank[v]:
            continue  # keep the even trials acyclic
        graph[u].append(v)
    reference = kahn(graph)
    try:
        order = topological_sort(graph)
    except CycleError as error:
        assert reference is None and all(v in graph[u] for u, v in pairwise(error.cycle))
        cyclic_graphs += 1
    else:
        assert reference is not None and is_topological(order, graph)
        assert is_topological(reference, graph) and sorted(order) == list(range(n))
        dags += 1
print(f"600 random graphs: {dags} sorted, {cyclic_graphs} cycles found, all agree with Kahn")
