"""Breadth-first search on adjacency lists: visiting order, distances and shortest paths in an
unweighted graph (parent pointers), nodes marked visited when they are enqueued. Checked
against a brute-force relaxation on random graphs with self-loops, duplicate edges and
unreachable nodes.
"""

import random
from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from itertools import pairwise

Graph = Mapping[Hashable, Sequence[Hashable]]  # node -> neighbors; a node may lack a key


def bfs_order(graph: Graph, start: Hashable) -> list[Hashable]:
    """Nodes reachable from start, in BFS order. O(V + E) time, O(V) extra space."""
    visited = {start}
    queue = deque([start])
    order = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for neighbor in graph.get(node, ()):  # a node without a key has no out-edges
            if neighbor not in visited:
                visited.add(neighbor)  # mark when enqueued: each node enters the queue once
                queue.append(neighbor)
    return order


def bfs_parents(graph: Graph, start: Hashable) -> tuple[dict, dict]:
    """Distance (number of edges) and BFS-tree parent of every node reachable from start."""
    distance = {start: 0}
    parent = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for neighbor in graph.get(node, ()):
            if neighbor not in distance:  # `distance` doubles as the visited set
                distance[neighbor] = distance[node] + 1
                parent[neighbor] = node
                queue.append(neighbor)
    return distance, parent


def shortest_path(graph: Graph, start: Hashable, goal: Hashable) -> list[Hashable] | None:
    """A path with the fewest edges from start to goal, or None if goal is unreachable."""
    _, parent = bfs_parents(graph, start)  # could stop early once goal is dequeued
    if goal not in parent:
        return None
    path = [goal]
    while path[-1] != start:
        path.append(parent[path[-1]])  # walk the parent pointers back to start
    return path[::-1]


def bfs_mark_on_dequeue(graph: Graph, start: Hashable) -> tuple[list[Hashable], int]:
    """The post's version (marks on dequeue), instrumented to count queue insertions."""
    visited, order, queue, enqueued = set(), [], deque([start]), 1
    while queue:
        node = queue.popleft()
        if node not in visited:
            visited.add(node)
            order.append(node)
            for neighbor in graph.get(node, ()):
                queue.append(neighbor)
                enqueued += 1
    return order, enqueued


# --- the post's graph ----------------------------------------------------------------------
post_graph = {"A": ["B", "C"], "B": ["D", "E"], "C": ["F"], "D": [], "E": ["F"], "F": []}
order = bfs_order(post_graph, "A")
print("BFS order:", " ".join(order))
print("shortest path A -> F:", " -> ".join(shortest_path(post_graph, "A", "F")))
_, enqueued = bfs_mark_on_dequeue(post_graph, "A")
print(f"mark on dequeue: {enqueued} queue insertions for 6 nodes ('F' twice)")
assert order == ["A", "B", "C", "D", "E", "F"] and enqueued == 7

complete = {i: [j for j in range(100) if j != i] for i in range(100)}  # 100 nodes, 9,900 edges
same_order, enqueued = bfs_mark_on_dequeue(complete, 0)
assert same_order == bfs_order(complete, 0)
print(f"complete graph, 100 nodes: mark on dequeue inserts {enqueued}, mark on enqueue 100")
assert enqueued == 1 + 100 * 99

# --- edge cases ----------------------------------------------------------------------------
assert bfs_order({}, "A") == ["A"]  # empty graph: only the start node
assert bfs_order({"A": ["A", "A"]}, "A") == ["A"]  # self-loop and duplicate edge
assert bfs_order({"A": ["B"]}, "A") == ["A", "B"]  # "B" is not a key: no KeyError
# a disconnected undirected graph: two components
undirected = {1: [2], 2: [1, 3], 3: [2], 4: [5], 5: [4]}
distance, _ = bfs_parents(undirected, 1)
assert distance == {1: 0, 2: 1, 3: 2} and shortest_path(undirected, 1, 5) is None
components, seen = [], set()
for node in undirected:  # BFS from every node not reached yet
    if node not in seen:
        components.append(bfs_order(undirected, node))
        seen.update(components[-1])
print("components:", components)
assert components == [[1, 2, 3], [4, 5]]


# --- against a brute-force reference on random directed graphs -----------------------------
def reference_distances(graph: Graph, start: Hashable) -> dict:
    """Relax every edge until nothing changes (Bellman-Ford with weight 1): O(V * E)."""
    distance = {start: 0}
    changed = True
    while changed:
        changed = False
        for node, neighbors in graph.items():
            for neighbor in neighbors:
                if node in distance and distance[node] + 1 < distance.get(neighbor, 1 << 30):
                    distance[neighbor] = distance[node] + 1
                    changed = True
    return distance


rng = random.Random(0)  # noqa: S311 - test data, not cryptography
paths_checked = 0
for _ in range(300):
    n = rng.randint(1, 30)
    # random out-degrees, neighbors drawn with replacement: duplicates and self-loops occur;
    # nodes >= n appear only as neighbors and have no key of their own
    graph = {
        node: [rng.randrange(n + 3) for _ in range(rng.randint(0, 3))]
        for node in range(n)
        if rng.random() < 0.9
    }
    start = rng.randrange(n)
    distance, _ = bfs_parents(graph, start)
    assert distance == reference_distances(graph, start)
    order = bfs_order(graph, start)
    assert len(order) == len(set(order)) == len(distance)  # each reachable node exactly once
    assert [distance[node] for node in order] == sorted(distance.values())  # level by level
    for goal in range(n + 3):
        path = shortest_path(graph, start, goal)
        if path is None:
            assert goal not in distance
            continue
        assert path[0] == start and path[-1] == goal and len(path) - 1 == distance[goal]
        assert all(b in graph.get(a, ()) for a, b in pairwise(path))
        paths_checked += 1
print(f"300 random graphs: distances match the reference, {paths_checked} shortest paths valid")
