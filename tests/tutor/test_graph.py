from tutor.content import Node
from tutor.graph import build_graph, find_cycle, topological_order
from tutor.loader import load_curriculum

LESSON_IDS = ("why-transformers big-picture tokens positions attention softmax-scaling multi-head "
              "attention-block transformer-block stacking cross-attention decoding training "
              "engineering beyond-text frontiers capstone").split()


def node(node_id, *requires):
    return Node(id=node_id, label=node_id, lessons=(node_id,), position=(0, 0), requires=requires)


def test_find_cycle():
    assert find_cycle({"a": (), "b": ("a",), "c": ("b",)}) is None
    assert find_cycle({"a": ("c",), "b": ("a",), "c": ("b",)}) == ["a", "c", "b", "a"]
    assert find_cycle({"a": ("a",)}) == ["a", "a"]


def test_topological_order_puts_prerequisites_first_and_keeps_file_order():
    nodes = (node("c", "b"), node("x"), node("b", "a"), node("a"))
    assert topological_order(nodes) == ["x", "a", "b", "c"]


def test_build_graph_reports_unknown_nodes_and_bad_positions():
    problems = []
    data = {"nodes": [
        {"id": "a", "label": "A", "lessons": ["a"], "position": [0, 0], "requires": ["zz"]},
        {"id": "b", "label": "B", "lessons": ["b"], "position": [0]},
    ], "flow": [["a", "nope"]]}
    graph = build_graph(data, lambda message, line: problems.append(message))
    assert [n.id for n in graph.nodes] == ["a"]
    assert problems == ["node `b`: position must be [col, row]",
                        "node `a` requires unknown node `zz`",
                        "flow edge names unknown node `nope`"]


def test_shipped_graph_has_one_node_per_lesson_on_a_free_grid():
    graph = load_curriculum().graph
    assert sorted(n.id for n in graph.nodes) == sorted(LESSON_IDS)
    assert all(n.lessons == (n.id,) for n in graph.nodes)
    positions = [n.position for n in graph.nodes]
    assert len(set(positions)) == len(positions)
    assert find_cycle({n.id: n.requires for n in graph.nodes}) is None
    roots = [n.id for n in graph.nodes if not n.requires]
    assert roots == ["why-transformers"]
    spine = ["tokens", "positions", "attention", "softmax-scaling", "multi-head",
             "attention-block", "transformer-block", "stacking", "decoding"]
    assert list(zip(spine, spine[1:])) == [e for e in graph.flow if e[0] != "cross-attention"]
    assert ("cross-attention", "stacking") in graph.flow
    assert graph.node_of_lesson("attention").label == "Attention"
