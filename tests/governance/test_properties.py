"""Properties of the roll-up (Hypothesis): bounds, weighted = average for equal weights, monotonicity."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from bondzone.governance.domain import tree

progress = st.integers(0, 10000).map(lambda n: D(n) / 100)


@given(st.lists(progress, min_size=1, max_size=12))
def test_average_lies_between_the_children(values):
    out = tree.combine("average", D(0), [(v, None) for v in values])
    assert min(values) - D("0.01") <= out <= max(values) + D("0.01")
    assert out == out.quantize(D("0.01")) and D(0) <= out <= D(100)


@given(st.lists(progress, min_size=1, max_size=12), st.integers(0, 10000).map(lambda n: D(n) / 100))
def test_all_children_equal_gives_that_value_in_every_mode(values, own):
    same = [(values[0], None)] * len(values)
    assert tree.combine("average", own, same) == values[0]
    weights = [D(100) / len(values)] * len(values)
    if sum(weights) == D(100):
        assert tree.combine("weighted", own, [(values[0], w) for w in weights]) == values[0]
    assert tree.combine("manual", own, same) == own


@given(st.lists(st.tuples(progress, st.integers(0, 100)), min_size=2, max_size=8), st.data())
def test_weighted_rollup_is_monotone_in_each_child(children, data):
    total = sum(w for _, w in children)
    if total == 0:
        return
    # normalise integer weights so they sum to exactly 100 (last one takes the remainder)
    weights = [D(w * 100 // total) for _, w in children]
    weights[-1] += D(100) - sum(weights)
    kids = [(p, w) for (p, _), w in zip(children, weights)]
    assert tree.check_weights("weighted", dict(enumerate(weights))) == []
    base = tree.combine("weighted", D(0), kids)
    i = data.draw(st.integers(0, len(kids) - 1))
    raised = list(kids)
    raised[i] = (min(kids[i][0] + D(10), D(100)), kids[i][1])
    assert tree.combine("weighted", D(0), raised) >= base


@given(st.dictionaries(st.integers(1, 30), st.one_of(st.none(), st.integers(1, 30)), min_size=1, max_size=30))
def test_find_cycle_returns_a_real_cycle(parent_of):
    cycle = tree.find_cycle(parent_of)
    if cycle is None:
        for start in parent_of:  # every walk upwards ends
            seen, cur = set(), start
            while cur is not None:
                assert cur not in seen
                seen.add(cur)
                cur = parent_of.get(cur)
    else:
        for a, b in zip(cycle, cycle[1:] + cycle[:1]):
            assert parent_of[a] == b
