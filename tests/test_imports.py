"""The import graph: every task name a service sends is registered, and no module imports
itself back through others, counting imports inside functions (the kind that hides a circle).

Both read the source with `ast`; tests, benchmarks and migrations are left out.
"""

import ast
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from marketplace.celery import app

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = {"tests", "bench", "migrations", "docs", "locale", "var", "node_modules"}
SENDERS = {"send", "send_on_commit"}


def project_modules() -> dict[str, Path]:
    """Dotted name -> file of every project module."""
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if any(part in LEFT_OUT or part.startswith(".") or part.endswith(".egg-info") for part in parts):
            continue
        modules[".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")] = path
    return modules


MODULES = project_modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path)) for name, path in MODULES.items()}


def imported_by(name: str) -> dict[str, str]:
    """The project modules `name` imports anywhere in its body (top level, functions, branches),
    each with where: "line 12" or "line 40, in a function"."""
    tree = TREES[name]
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    in_functions = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            # `from a import b`: b is a module of a, or a name defined in a.
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.setdefault(
                    target, f"line {node.lineno}" + (", in a function" if id(node) in in_functions else "")
                )
    return found


def import_cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(components)


def one_loop(component: list[str], graph: dict[str, dict[str, str]]) -> list[str]:
    """A shortest path from the component's first module back to itself."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for module in frontier:
            for target in sorted(graph[module].keys() & members):
                if target == start:
                    return [*paths[module], start]
                if target not in paths:
                    paths[target] = [*paths[module], target]
                    following.append(target)
        frontier = following
    return component


def test_no_import_cycle_among_project_modules():
    graph = {name: imported_by(name) for name in MODULES}
    assert len(graph) > 50, "few modules found: did the layout move?"
    assert any(graph.values()), "no import found: did the layout move?"

    cycles = []
    for component in import_cycles(graph):
        loop = one_loop(component, graph)
        steps = [f"    {a} imports {b} ({graph[a][b]})" for a, b in pairwise(loop)]
        cycles.append("\n".join([f"  a cycle among {', '.join(component)}, for one:", *steps]))

    assert not cycles, "import cycles (imports at module level and in functions alike):\n" + "\n".join(cycles)


def sent_task_names() -> Iterator[tuple[str, int, ast.expr]]:
    """(module, line, first argument) of every call to marketplace.celery's send helpers."""
    for name, tree in TREES.items():
        local_names = set()  # `send` / `send_on_commit` imported from marketplace.celery, maybe renamed
        module_names = set()  # marketplace.celery itself, under the name it was imported as
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "marketplace.celery":
                local_names |= {alias.asname or alias.name for alias in node.names if alias.name in SENDERS}
            elif isinstance(node, ast.ImportFrom) and node.module == "marketplace":
                module_names |= {alias.asname or alias.name for alias in node.names if alias.name == "celery"}
            elif isinstance(node, ast.Import):
                module_names |= {
                    alias.asname for alias in node.names if alias.name == "marketplace.celery" and alias.asname
                }
        if name == "marketplace.celery":
            local_names |= SENDERS
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            by_name = isinstance(func, ast.Name) and func.id in local_names
            by_module = (
                isinstance(func, ast.Attribute)
                and func.attr in SENDERS
                and (
                    (isinstance(func.value, ast.Name) and func.value.id in module_names)
                    or ast.unparse(func.value) == "marketplace.celery"
                )
            )
            if by_name or by_module:
                yield name, node.lineno, node.args[0]


def test_every_task_name_sent_is_a_registered_task():
    app.loader.import_default_modules()
    sent = list(sent_task_names())
    assert len(sent) >= 4, f"found only {sent}: did the send helpers move?"

    not_literal = [
        f"{module}:{line}: {ast.unparse(arg)}"
        for module, line, arg in sent
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)) and module != "marketplace.celery"
    ]
    unknown = [
        f"{module}:{line}: {arg.value!r}"
        for module, line, arg in sent
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value not in app.tasks
    ]

    assert not not_literal, f"name the task with a string literal so this test can check it: {not_literal}"
    assert not unknown, f"sent but not registered as a Celery task: {unknown}"
