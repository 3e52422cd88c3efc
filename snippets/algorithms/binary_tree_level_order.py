"""Level-order traversal of a binary tree with a queue, one list per level, plus two common
follow-ups: zigzag order and the right-side view. Trees are built from LeetCode's level-order
lists with None for missing children. Checked against a DFS-by-depth reference on random trees.
"""

import random
from collections import deque
from dataclasses import dataclass


@dataclass
class TreeNode:
    val: int
    left: "TreeNode | None" = None
    right: "TreeNode | None" = None


def build_tree(values: list[int | None]) -> TreeNode | None:
    """[3, 9, 20, None, None, 15, 7] -> the tree; children are listed only for real nodes."""
    end = len(values)
    while end and values[end - 1] is None:  # trailing Nones add nothing
        end -= 1
    if end == 0:
        return None  # [], [None]: the empty tree
    if values[0] is None:
        raise ValueError("the root is None but the list has more nodes")
    root = TreeNode(values[0])
    queue = deque([root])  # nodes still waiting for their two child slots
    i = 1
    while i < end:
        if not queue:
            raise ValueError(f"value {values[i]!r} at index {i} has no parent")
        node = queue.popleft()
        for side in ("left", "right"):
            if i < end and values[i] is not None:
                child = TreeNode(values[i])
                setattr(node, side, child)
                queue.append(child)
            i += 1
    return root


def level_order(root: TreeNode | None, stats: dict | None = None) -> list[list[int]]:
    """BFS, one list per level. O(n) time; the queue holds at most about two levels: O(w).
    Pass a dict as `stats` to record the queue's peak length in stats["peak_queue"]."""
    if root is None:
        return []
    levels = []
    queue = deque([root])
    while queue:
        level = []
        for _ in range(len(queue)):  # exactly the nodes of the current level
            node = queue.popleft()
            level.append(node.val)
            if node.left is not None:
                queue.append(node.left)
            if node.right is not None:
                queue.append(node.right)
            if stats is not None:  # measurement only
                stats["peak_queue"] = max(stats.get("peak_queue", 1), len(queue))
        levels.append(level)
    return levels


def zigzag_order(root: TreeNode | None) -> list[list[int]]:
    """Left to right, then right to left, alternating. The queue stays a plain BFS queue;
    each level's values go into a deque, appended on even levels and prepended on odd ones."""
    if root is None:
        return []
    levels, queue, depth = [], deque([root]), 0
    while queue:
        level: deque[int] = deque()
        for _ in range(len(queue)):
            node = queue.popleft()
            if depth % 2 == 0:
                level.append(node.val)
            else:
                level.appendleft(node.val)
            for child in (node.left, node.right):
                if child is not None:
                    queue.append(child)
        levels.append(list(level))
        depth += 1
    return levels


def zigzag_by_swapping_children(root: TreeNode | None) -> list[list[int]]:
    """A common wrong answer: one FIFO queue, children enqueued right-first on every other
    level. Level 1 comes out right, level 2 does not: its order follows the reversed level 1."""
    if root is None:
        return []
    levels, queue, depth = [], deque([root]), 0
    while queue:
        level = []
        for _ in range(len(queue)):
            node = queue.popleft()
            level.append(node.val)
            children = (node.right, node.left) if depth % 2 == 0 else (node.left, node.right)
            queue.extend(child for child in children if child is not None)
        levels.append(level)
        depth += 1
    return levels


def right_side_view(root: TreeNode | None) -> list[int]:
    """The last node of every level: what you see looking at the tree from the right."""
    return [level[-1] for level in level_order(root)]


# --- examples and edge cases ----------------------------------------------------------------
example = build_tree([3, 9, 20, None, None, 15, 7])
print("level order:", level_order(example))
print("zigzag:     ", zigzag_order(example))
print("right view: ", right_side_view(example))
assert level_order(example) == [[3], [9, 20], [15, 7]]
assert zigzag_order(example) == [[3], [20, 9], [15, 7]] and right_side_view(example) == [3, 20, 7]
assert level_order(build_tree([1, 2, 3, 4, 5])) == [[1], [2, 3], [4, 5]]  # the post's tree
assert level_order(None) == [] and level_order(build_tree([])) == []  # empty tree
assert build_tree([None]) is None and level_order(build_tree([1, None, None])) == [[1]]
assert level_order(build_tree([7])) == [[7]]  # one node
assert level_order(build_tree([1, 1, 1, None, 1])) == [[1], [1, 1], [1]]  # duplicate values
assert right_side_view(build_tree([1, 2, 3, 4])) == [1, 3, 4]  # a left node is visible too
full = build_tree(list(range(1, 8)))  # three full levels
zigzag, swapped = zigzag_order(full), zigzag_by_swapping_children(full)
print(f"zigzag of [1..7]: {zigzag}; swapping children: {swapped}")
assert zigzag == [[1], [3, 2], [4, 5, 6, 7]] != swapped
for malformed in ([None, 1], [1, None, None, 2]):
    try:
        build_tree(malformed)
    except ValueError as error:
        print(f"build_tree({malformed}) -> ValueError: {error}")
    else:
        raise AssertionError(f"{malformed} should be rejected")

# the queue's size follows the width w of the tree: about n/2 for a complete tree, 1 for a chain
complete = build_tree(list(range(1023)))  # 10 full levels
chain = build_tree([i for v in range(1, 1024) for i in (v, None)])  # every node a right child
for name, tree in (("complete", complete), ("chain", chain)):
    stats: dict = {}
    levels = level_order(tree, stats)
    widest = max(len(level) for level in levels)
    print(
        f"{name:8} tree, {sum(map(len, levels))} nodes: {len(levels)} levels, widest {widest},"
        f" queue peak {stats['peak_queue']}"
    )
    assert stats["peak_queue"] == widest


# --- reference: recursive DFS that appends each value to the list of its depth ---------------
def level_order_by_dfs(root: TreeNode | None) -> list[list[int]]:
    levels: list[list[int]] = []

    def visit(node: TreeNode | None, depth: int) -> None:
        if node is None:
            return
        if depth == len(levels):
            levels.append([])
        levels[depth].append(node.val)  # preorder, left first: left-to-right within a level
        visit(node.left, depth + 1)
        visit(node.right, depth + 1)

    visit(root, 0)
    return levels


def right_view_by_dfs(root: TreeNode | None) -> list[int]:
    view: list[int] = []

    def visit(node: TreeNode | None, depth: int) -> None:
        if node is None:
            return
        if depth == len(view):
            view.append(node.val)  # the first node reached at a depth, going right first
        visit(node.right, depth + 1)
        visit(node.left, depth + 1)

    visit(root, 0)
    return view


def random_tree(rng: random.Random, n: int) -> TreeNode | None:
    """n nodes hung on randomly chosen free child slots: bushy, lopsided and chain shapes."""
    if n == 0:
        return None
    root = TreeNode(rng.randint(0, 9))  # values 0-9: plenty of duplicates
    free = [(root, "left"), (root, "right")]
    for _ in range(n - 1):
        parent, side = free.pop(rng.randrange(len(free)))
        child = TreeNode(rng.randint(0, 9))
        setattr(parent, side, child)
        free += [(child, "left"), (child, "right")]
    return root


def to_values(root: TreeNode | None) -> list[int | None]:
    """Inverse of build_tree: level order with None for missing children, trailing Nones cut."""
    values: list[int | None] = []
    queue = deque([root] if root is not None else [])
    while queue:
        node = queue.popleft()
        values.append(None if node is None else node.val)
        if node is not None:
            queue += [node.left, node.right]
    while values and values[-1] is None:
        values.pop()
    return values


rng = random.Random(0)  # noqa: S311 - test data, not cryptography
swapped_wrong = 0
for _ in range(1000):
    tree = random_tree(rng, rng.randint(0, 40))
    expected = level_order_by_dfs(tree)
    stats = {}
    assert level_order(tree, stats) == expected
    widest = max((len(level) for level in expected), default=0)
    assert widest <= stats.get("peak_queue", 0) < 2 * widest or tree is None  # O(w) space
    # reference: the DFS levels with every odd level reversed
    assert zigzag_order(tree) == [lvl[::-1] if d % 2 else lvl for d, lvl in enumerate(expected)]
    swapped_wrong += zigzag_by_swapping_children(tree) != zigzag_order(tree)
    assert right_side_view(tree) == right_view_by_dfs(tree)
    assert to_values(build_tree(to_values(tree))) == to_values(tree)  # list -> tree round trip
print("1000 random trees: level order, zigzag and right view match the DFS reference;")
print(f"  swapping the children's order gets the zigzag wrong on {swapped_wrong} of them")
assert swapped_wrong > 0
