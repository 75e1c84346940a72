"""Under the Content-Security-Policy the pages' scripts still work and nothing is refused:
the API docs run Swagger UI from our static files, the unit filter narrows its list."""

from urllib.parse import urlsplit

import pytest

from tests import factories

pytestmark = pytest.mark.browser


def watch(s):
    """CSP refusals (Chromium reports each on the console) and hosts the page asked for."""
    seen = {"refused": [], "hosts": set()}
    s.page.on(
        "console",
        lambda m: seen["refused"].append(m.text) if "Content Security Policy" in m.text else None,
    )
    s.page.on("request", lambda r: seen["hosts"].add(urlsplit(r.url).netloc))
    return seen


def test_api_docs_render_swagger_ui_from_our_own_host(site, live_server):
    s = site()
    seen = watch(s)
    assert s.go("/api/v1/docs").status == 200
    s.page.locator(".swagger-ui .info .title").wait_for()
    assert "Continuing Education Platform API" in s.page.locator(".swagger-ui .info .title").inner_text()
    s.page.locator(".opblock").first.wait_for()
    s.screenshot("api-docs")
    assert seen["hosts"] == {urlsplit(live_server.url).netloc}
    assert seen["refused"] == []


def test_unit_filter_on_the_register_page_runs_from_the_static_script(site, world):
    factories.unit(world.authority, name="三门峡市水利勘测设计院")
    s = site()
    seen = watch(s)
    s.go("/accounts/register/")
    select = s.page.get_by_label("工作单位", exact=True)
    visible = "s => [...s.options].filter(o => o.value && !o.hidden).map(o => o.text)"
    everything = select.evaluate(visible)
    s.page.get_by_label("查找工作单位").fill("水利")
    assert select.evaluate(visible) == ["三门峡市水利勘测设计院"]
    assert len(everything) > 1
    assert seen["refused"] == []
