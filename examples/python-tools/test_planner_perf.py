import pytest

from planner import layered_dag, plan


@pytest.mark.parametrize("nodes", [250, 1000])
def test_plan(benchmark, nodes):
    deps = layered_dag(nodes)
    order = benchmark(plan, deps)
    assert len(order) == nodes
