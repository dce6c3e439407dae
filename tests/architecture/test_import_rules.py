"""The architecture, read from the source (tests/architecture/imports.py): every import counts,
deferred ones inside functions included.

- no import circle anywhere in qi_portal, teams, cycles and metrics (tests aside), between
  modules, nor between the packages of metrics;
- the apps point one way, teams <- cycles <- metrics (DESIGN §2);
- metrics' packages import only the rooms their ``__init__`` says (LAYERS below, one place);
- the engine (metrics.spc), the drawing (metrics.drawing) and the evidence of change
  (metrics.evidence) import no Django;
- services enqueue through metrics.background: only MetricsConfig.ready() imports
  metrics.tasks, and the tasks import no view, form or URL module.
"""

from pathlib import Path

import pytest

from tests.architecture.imports import circles, graph, imports_of, modules_of, owner

ROOT = Path(__file__).resolve().parents[2]
APPS = ("qi_portal", "teams", "cycles", "metrics")
MODULES = modules_of(ROOT, APPS)
IMPORTS = imports_of(MODULES)

# What each room of metrics may import of metrics (its own modules aside). A room is a package
# (metrics/<name>/) or a module at metrics' top. Each package's __init__ says the same in words.
FOUNDATION = {"metrics.models", "metrics.periods", "metrics.background"}
LAYERS = {
    "metrics.spc": set(),
    "metrics.periods": set(),
    "metrics.models": set(),
    "metrics.background": set(),
    "metrics.drawing": {"metrics.spc"},
    "metrics.evidence": {"metrics.spc", "metrics.periods"},
    "metrics.dashboards": {"metrics.spc", "metrics.drawing", "metrics.evidence", *FOUNDATION},
    "metrics.charts": {"metrics.spc", "metrics.dashboards", *FOUNDATION},
    "metrics.entry": {"metrics.charts", *FOUNDATION},
    "metrics.imports": {"metrics.entry", *FOUNDATION},
    "metrics.measures": {
        "metrics.spc", "metrics.drawing", "metrics.evidence", "metrics.charts",
        "metrics.dashboards", *FOUNDATION
    },
    "metrics.workers": {*FOUNDATION},
    "metrics.demo": {"metrics.charts", "metrics.dashboards", "metrics.measures", *FOUNDATION},
    "metrics.api": {
        "metrics.entry", "metrics.measures", "metrics.charts", "metrics.dashboards", *FOUNDATION
    },
}
# The app's wiring: Django's and Celery's entry points, which may reach any room.
WIRING = {"metrics", "metrics.apps", "metrics.urls", "metrics.admin", "metrics.tasks",
          "metrics.management"}  # fmt: skip


def room(module: str) -> str:
    """metrics.charts.bulk -> metrics.charts; teams.views -> teams.views (one room a module)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "metrics" and len(parts) > 1 else module


def project_imports(importer_prefix: str):
    for imp in IMPORTS:
        if imp.importer == importer_prefix or imp.importer.startswith(importer_prefix + "."):
            yield imp, owner(imp.imported, MODULES)


def test_the_reader_sees_every_module_of_the_project():
    assert {"metrics.spc.engine", "metrics.tasks", "teams.models", "cycles.services"} <= set(
        MODULES
    )
    assert len(IMPORTS) > 500


def test_no_import_circle_between_modules():
    assert circles(graph(MODULES, IMPORTS)) == []


def test_no_import_circle_between_the_packages_of_metrics():
    assert circles(graph(MODULES, IMPORTS, room)) == []


@pytest.mark.parametrize(
    ("app", "forbidden"), [("teams", ("cycles", "metrics")), ("cycles", ("metrics",))]
)
def test_the_apps_point_one_way(app, forbidden):
    wrong = [
        f"{imp.importer}:{imp.line} imports {imp.imported}"
        for imp, _ in project_imports(app)
        if imp.imported.split(".")[0] in forbidden
    ]
    assert wrong == []


def test_every_room_of_metrics_is_in_the_layers_or_the_wiring():
    rooms = {room(m) for m in MODULES if m.startswith("metrics.")}
    assert rooms - set(LAYERS) - WIRING == set()


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_room_of_metrics_imports_only_what_its_layer_allows(layer):
    wrong = [
        f"{imp.importer}:{imp.line} imports {target}"
        for imp, target in project_imports(layer)
        if target is not None
        and target.startswith("metrics")
        and room(target) != layer
        and room(target) not in LAYERS[layer]
    ]
    assert wrong == []


@pytest.mark.parametrize("package", ["metrics.spc", "metrics.drawing", "metrics.evidence"])
def test_the_engine_the_drawing_and_the_evidence_import_no_django(package):
    wrong = [
        f"{imp.importer}:{imp.line} imports {imp.imported}"
        for imp, _ in project_imports(package)
        if imp.imported.split(".")[0] == "django"
    ]
    assert wrong == []


def test_the_engine_imports_nothing_of_the_project_but_itself():
    wrong = [
        f"{imp.importer}:{imp.line} imports {target}"
        for imp, target in project_imports("metrics.spc")
        if target is not None and room(target) != "metrics.spc"
    ]
    assert wrong == []


def test_only_the_app_config_imports_the_tasks():
    importers = {imp.importer for imp in IMPORTS if owner(imp.imported, MODULES) == "metrics.tasks"}
    assert importers == {"metrics.apps"}


def test_the_tasks_import_services_only():
    wrong = [
        f"metrics.tasks:{imp.line} imports {target}"
        for imp, target in project_imports("metrics.tasks")
        if target is not None and target.rsplit(".", 1)[-1] in {"views", "forms", "urls", "admin"}
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "package", sorted(p for p in LAYERS if (ROOT / p.replace(".", "/") / "__init__.py").exists())
)
def test_each_package_of_metrics_says_what_it_holds_and_what_it_may_import(package):
    import ast

    init = ROOT / package.replace(".", "/") / "__init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text())) or ""
    assert "May import" in docstring, f"{init}: say what the package may import"
    said = docstring.split("May import", 1)[1]
    for allowed in LAYERS[package] - FOUNDATION:
        assert allowed.removeprefix("metrics.") in said, f"{init} does not name {allowed}"


# ------------------------------------------------------------ the reader itself, on small trees


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_deferred_import_still_makes_a_circle(tmp_path):
    write(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "from app.b import thing\n",
        "app/b.py": "def thing():\n    from app import a  # deferred\n    return a\n",
        "app/c.py": "import app.a\n",
    })  # fmt: skip
    modules = modules_of(tmp_path, ["app"])
    assert circles(graph(modules, imports_of(modules))) == [["app.a", "app.b"]]


def test_relative_imports_and_names_resolve_to_their_modules(tmp_path):
    write(tmp_path, {
        "app/__init__.py": "from .engine import run\n",
        "app/engine.py": "from . import rules\nfrom .rules import flag\n",
        "app/rules.py": "flag = 1\n",
        "app/sub/__init__.py": "",
        "app/sub/x.py": "from ..engine import run\n",
    })  # fmt: skip
    modules = modules_of(tmp_path, ["app"])
    edges = graph(modules, imports_of(modules))
    assert edges == {
        "app": {"app.engine"},
        "app.engine": {"app.rules"},
        "app.sub.x": {"app.engine"},
    }
    assert circles(edges) == []


def test_rooms_show_a_circle_between_packages_that_modules_do_not(tmp_path):
    write(tmp_path, {
        "m/__init__.py": "",
        "m/p/__init__.py": "", "m/p/one.py": "from m.q.two import x\n",
        "m/q/__init__.py": "", "m/q/two.py": "x = 1\n", "m/q/three.py": "from m.p import one\n",
    })  # fmt: skip
    modules = modules_of(tmp_path, ["m"])
    imports = imports_of(modules)
    assert circles(graph(modules, imports)) == []
    assert circles(graph(modules, imports, room=lambda n: ".".join(n.split(".")[:2]))) == [
        ["m.p", "m.q"]
    ]
