"""The architecture graph: built from graph.yaml, checked for unknown nodes and cycles, ordered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from tutor.content import Graph, Node

NODE_KINDS = ("intro", "model", "topic")

# Reports a problem: (message, line or None).
Report = Callable[[str, "int | None"], None]


def line_of(data: Any, key: str | None = None) -> int | None:
    """The line of a parsed YAML mapping (or of one of its keys), when the parser recorded it."""
    if key is not None and key in getattr(data, "key_lines", {}):
        return data.key_lines[key]
    return getattr(data, "line", None)


def find_cycle(requires: Mapping[str, tuple[str, ...]]) -> list[str] | None:
    """A prerequisite cycle as a path [a, b, ..., a], or None. Depth-first search."""
    state: dict[str, str] = {}  # node -> "open" while on the stack, "done" after
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for req in requires.get(node, ()):
            if state.get(req) == "open":
                return stack[stack.index(req):] + [req]
            if req not in state and (cycle := visit(req)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in requires:
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def topological_order(nodes: tuple[Node, ...]) -> list[str]:
    """Node ids with every prerequisite before its dependents; ties keep the file's order."""
    placed: list[str] = []
    remaining = list(nodes)
    while remaining:
        ready = [n for n in remaining if all(r in placed for r in n.requires)]
        if not ready:  # a cycle (reported by build_graph): keep the rest in file order
            ready = remaining
        placed.append(ready[0].id)
        remaining.remove(ready[0])
    return placed


def build_graph(data: Any, report: Report) -> Graph:
    """Build the graph from parsed graph.yaml; every problem goes to `report`, never raised."""
    if not isinstance(data, Mapping) or not isinstance(data.get("nodes"), list):
        report("graph.yaml needs a `nodes` list", line_of(data))
        return Graph(nodes=(), flow=())
    built = [(item, _build_node(item, report)) for item in data["nodes"]]
    built = [(item, node) for item, node in built if node is not None]
    item_of: dict[str, Any] = {}
    for item, node in built:
        if node.id in item_of:
            report(f"duplicate node id `{node.id}`", line_of(item, "id"))
        item_of.setdefault(node.id, item)
    nodes = [node for _, node in built]
    for item, node in built:
        for req in node.requires:
            if req not in item_of:
                report(f"node `{node.id}` requires unknown node `{req}`", line_of(item, "requires"))
    cycle = find_cycle({n.id: tuple(r for r in n.requires if r in item_of) for n in nodes})
    if cycle:
        report("prerequisite cycle: " + " -> ".join(cycle), line_of(item_of[cycle[0]], "requires"))
    flow = _build_flow(data.get("flow", []), set(item_of), report)
    by_id = {n.id: n for n in nodes}
    ordered = tuple(by_id[i] for i in topological_order(tuple(by_id.values())))
    return Graph(nodes=ordered, flow=flow)


def _build_node(item: Any, report: Report) -> Node | None:
    if not isinstance(item, Mapping):
        report("each node must be a mapping", line_of(item))
        return None
    missing = [k for k in ("id", "label", "lessons", "position") if k not in item]
    if missing:
        report(f"node is missing field `{missing[0]}`", line_of(item))
        return None
    position = item["position"]
    if not (isinstance(position, list) and len(position) == 2
            and all(isinstance(p, int) for p in position)):
        report(f"node `{item['id']}`: position must be [col, row]", line_of(item, "position"))
        return None
    kind = item.get("kind", "model")
    if kind not in NODE_KINDS:
        report(f"node `{item['id']}`: kind must be one of {', '.join(NODE_KINDS)}",
               line_of(item, "kind"))
    return Node(
        id=str(item["id"]),
        label=str(item["label"]),
        lessons=tuple(str(x) for x in item["lessons"] or ()),
        position=(position[0], position[1]),
        requires=tuple(str(x) for x in item.get("requires") or ()),
        summary=str(item.get("summary", "")),
        kind=kind,
        line=line_of(item),
    )


def _build_flow(edges: Any, known: set[str], report: Report) -> tuple[tuple[str, str], ...]:
    flow = []
    for edge in edges or ():
        if not (isinstance(edge, list) and len(edge) == 2):
            report("each flow edge must be [from, to]", line_of(edges))
            continue
        unknown = [e for e in edge if e not in known]
        if unknown:
            report(f"flow edge names unknown node `{unknown[0]}`", line_of(edge))
            continue
        flow.append((str(edge[0]), str(edge[1])))
    return tuple(flow)
