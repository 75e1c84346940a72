"""Cross-app imports of the project: which top-level app imports which, and how many imports
hide inside functions (a local import is where a cycle usually hides).

    .venv/bin/python scripts/app_imports.py            # pairs, against-the-layers pairs, counts
    .venv/bin/python scripts/app_imports.py --pairs    # one line per pair

The layers are read from pyproject.toml's import-linter contract, so "against the layers"
means the same as `lint-imports`; tests/, bench/ and scripts/ are not apps and are left out.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_APPS = {"tests", "bench", "scripts", "static", "templates", "data", "media"}


def apps() -> list[str]:
    return sorted(
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in NOT_APPS
    )


def layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = config["tool"]["importlinter"]["contracts"][0]
    order: list[str] = []
    for layer in contract["layers"]:
        order.extend(part.strip() for part in layer.replace(":", "|").split("|"))
    return order


def imports_of(path: Path, names: set[str]):
    tree = ast.parse(path.read_text(), str(path))
    local_nodes = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    local_nodes.add(id(inner))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        for target in targets:
            top = target.split(".")[0]
            if top in names:
                yield top, id(node) in local_nodes


def main() -> None:
    names = set(apps())
    rank = {name: i for i, name in enumerate(layers())}
    pairs: set[tuple[str, str]] = set()
    local = 0
    for app in sorted(names):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for target, is_local in imports_of(path, names):
                if target == app:
                    continue
                pairs.add((app, target))
                local += is_local
    upward = sorted((a, b) for a, b in pairs if a in rank and b in rank and rank[b] < rank[a])
    if "--pairs" in sys.argv:
        for a, b in sorted(pairs):
            print(f"{a} -> {b}{'   (against the layers)' if (a, b) in upward else ''}")
        return
    possible = len(names) * (len(names) - 1) // 2
    both = sum(1 for a, b in pairs if a < b and (b, a) in pairs)
    print(f"apps: {len(names)}, unordered pairs possible: {possible}")
    print(f"importing pairs (directed): {len(pairs)}, pairs importing both ways: {both}")
    print(f"pairs against the layers: {len(upward)}")
    print(f"function-local cross-app imports: {local}")


if __name__ == "__main__":
    main()
