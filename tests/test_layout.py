"""The layout shows the architecture: layered packages, no import cycles, small modules, a true map."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "kezek"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
SCREENS = ("kiosk", "display", "operator", "admin", "ticket", "board", "book")

# Imports inside a function that are there for a reason other than a cycle.
LATE_IMPORTS = {
    ("kezek/printers/driver.py", "escpos.capabilities"): "reads a large JSON file; only for a profile= URL",
    ("kezek/printers/links.py", "usb.core"): "pyusb, only for a usb:// printer",
    ("kezek/printers/links.py", "escpos"): "python-escpos' printer classes, only when a link opens",
}


def python_files() -> list[Path]:
    return sorted(p for p in ENGINE.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_import_contracts_hold():
    """.importlinter: the engine's packages are layered, and the engine never imports Flask or the web."""
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / ".importlinter")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), i.e. import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(start: str) -> None:
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph.modules or not child.startswith("kezek"):
                    continue
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))

    for module in sorted(m for m in graph.modules if m.startswith("kezek")):
        if module not in index:
            visit(module)
    return found


def test_no_module_of_kezek_takes_part_in_an_import_cycle():
    graph = grimp.build_graph("kezek", cache_dir=None)
    # A package's __init__ is imported with each of its modules: count module-to-module imports only.
    assert _cycles(graph) == []


def test_no_import_hides_inside_a_function():
    hidden = []
    for path in python_files():
        rel = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = ["." * node.level + (node.module or "")]
                else:
                    continue
                hidden += [f"{rel}:{node.lineno} imports {n}" for n in names if (rel, n) not in LATE_IMPORTS]
    assert hidden == []


def test_every_module_reads_in_one_sitting():
    long = {str(p.relative_to(ROOT)): n for p in [*python_files(), ROOT / "server.py"]
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_every_package_and_module_says_what_it_holds():
    missing = []
    for path in python_files():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        if not doc:
            missing.append(str(path.relative_to(ROOT)))
    packages = [p for p in ENGINE.rglob("*") if p.is_dir() and any(p.glob("*.py"))]
    missing += [f"{p.relative_to(ROOT)}/__init__.py" for p in packages if not (p / "__init__.py").exists()]
    assert missing == []


def test_nothing_shadows_the_standard_library():
    top = [p.stem for p in ROOT.glob("*.py")] + [p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()]
    assert sorted(set(top) & set(sys.stdlib_module_names)) == []
    assert [s for s in SCREENS if (ROOT / s / "__init__.py").exists()] == []   # operator/ is a stdlib name


def test_no_sql_outside_the_store_modules():
    """A package's SQL is in its store module: SELECT/INSERT/UPDATE/DELETE text nowhere else in kezek/."""
    sql = re.compile(r"""["'](SELECT|INSERT|UPDATE|DELETE|WITH)\s""")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in python_files()
             if p.name != "store.py" and p.parent.name != "web"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if sql.search(line)]
    assert found == []


def _readme_map() -> dict[str, set[str]]:
    """The README's map of the code: folder -> the module names it lists."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## The code", 1)[1].split("```", 2)[1]
    listed: dict[str, set[str]] = {}
    folder = None
    for line in block.splitlines():
        m = re.match(r"^(kezek/(?:\S+/)?)\s+(.*)$", line)
        if m:
            folder = m.group(1)
            rest = m.group(2)
        elif folder and line.startswith(" "):
            rest = line
        else:
            folder = None
            continue
        listed.setdefault(folder, set()).update(re.findall(r"\b([a-z_0-9]+)\.py\b", rest))
    return listed


def test_the_readme_map_matches_the_tree():
    listed = _readme_map()
    actual = {f"{p.relative_to(ROOT)}/": {f.stem for f in p.glob("*.py") if f.name != "__init__.py"}
              for p in [ENGINE, *ENGINE.rglob("*")] if p.is_dir() and any(p.glob("*.py"))}
    assert listed == actual


def test_every_module_path_the_docs_name_exists():
    named = set()
    for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        named |= {(doc.name, m) for m in re.findall(r"`?(kezek/[\w/]+\.py)", doc.read_text(encoding="utf-8"))}
    assert sorted((d, m) for d, m in named if not (ROOT / m).exists()) == []


def test_every_file_kept_off_the_postgresql_pass_exists_and_says_why():
    """tests/not_on_postgresql.txt (the Makefile's PG pass runs every other test file): no stale line, no bare one."""
    listed = [line for line in (ROOT / "tests" / "not_on_postgresql.txt").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    assert listed
    for line in listed:
        path, _, reason = line.partition("#")
        assert (ROOT / path.strip()).is_file(), line
        assert len(reason.strip()) > 10, f"{line}: say why"
