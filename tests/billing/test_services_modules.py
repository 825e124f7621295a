"""billing/services/ is one module per job whose imports run one way; nothing is re-exported."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "billing" / "services"

# Who may import whom among the service modules (webhooks dispatches; refunds settle payments).
ALLOWED = {
    "bank_transfers": {"payments"},
    "card_checkout": {"payments"},
    "connect": set(),
    "fee_statements": set(),
    "hours": set(),
    "payments": set(),
    "refunds": {"payments"},
    "webhooks": {"bank_transfers", "connect", "payments", "refunds"},
}


def _imports(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def test_the_package_holds_one_module_per_job_and_re_exports_nothing():
    assert {path.stem for path in SERVICES.glob("*.py")} == {"__init__", *ALLOWED}
    body = ast.parse((SERVICES / "__init__.py").read_text()).body
    assert [type(node) for node in body] == [ast.Expr]  # the docstring only


def test_service_modules_import_each_other_one_way_and_never_the_tasks():
    edges = {}
    for name in ALLOWED:
        names = _imports(SERVICES / f"{name}.py")
        assert not [n for n in names if n.startswith("billing.tasks")], name
        edges[name] = {n.split(".")[2] for n in names if n.startswith("billing.services.")}

    assert edges == ALLOWED


def test_billing_tasks_import_the_services_at_the_top():
    tree = ast.parse((ROOT / "billing" / "tasks.py").read_text())
    nested = [
        node
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert nested == []
