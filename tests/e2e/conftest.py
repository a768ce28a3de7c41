"""Browser tests: Playwright drives Debian's Chromium against the live test server.

Every page a test visits goes through `visit()`/`check()`, which runs axe-core and fails
on any WCAG 2.1 A or AA violation, and on any Content-Security-Policy violation.
"""

import json
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


class Visitor:
    """A page plus the checks every visited page must pass."""

    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url
        self.csp_violations: list[str] = []
        self.scanned: list[str] = []
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def visit(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response.status < 400, f"{path} answered {response.status}"
        self.check()
        return response

    def check(self):
        """axe-core on the current page: no WCAG 2.1 A/AA violation, no CSP violation."""
        page = self.page
        page.wait_for_load_state("load")
        # evaluate() runs through the DevTools protocol, so the site's CSP stays enforced for the page itself.
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(AXE)
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG,
        )
        violations = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        assert not violations, f"axe found WCAG violations on {page.url}:\n{json.dumps(violations, indent=2)}"
        assert not self.csp_violations, f"CSP violations on {page.url}: {self.csp_violations}"
        self.scanned.append(page.url)

    def fits_width(self) -> bool:
        return self.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _visitor(browser, live_server, **context_options):
    context = browser.new_context(locale="nl-BE", timezone_id="Europe/Brussels", **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, Visitor(page, live_server.url)


@pytest.fixture
def visitor(browser, live_server):
    context, visitor = _visitor(browser, live_server, viewport={"width": 1280, "height": 900})
    yield visitor
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context, visitor = _visitor(browser, live_server, viewport={"width": 360, "height": 740},
                                is_mobile=True, has_touch=True, device_scale_factor=2)
    yield visitor
    context.close()


@pytest.fixture
def no_js(browser, live_server):
    context, visitor = _visitor(browser, live_server, viewport={"width": 1024, "height": 800}, java_script_enabled=False)
    yield visitor
    context.close()
