"""A toy task planner: topological order of a layered DAG, the kind of work the seeds' planners do."""

from collections import deque


def layered_dag(nodes, width=10):
    """Each node depends on up to two nodes of the layer before it."""
    deps = {i: [] for i in range(nodes)}
    for i in range(width, nodes):
        layer_start = (i // width - 1) * width
        deps[i] = [layer_start + (i % width), layer_start + ((i * 7) % width)]
    return deps


def plan(deps):
    indegree = {n: len(set(d)) for n, d in deps.items()}
    users = {n: [] for n in deps}
    for n, d in deps.items():
        for m in set(d):
            users[m].append(n)
    ready = deque(n for n, k in indegree.items() if k == 0)
    order = []
    while ready:
        n = ready.popleft()
        order.append(n)
        for u in users[n]:
            indegree[u] -= 1
            if indegree[u] == 0:
                ready.append(u)
    if len(order) != len(deps):
        raise ValueError("cycle")
    return order
