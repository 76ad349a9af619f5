"""Browser tests: Playwright drives Debian's Chromium against a real
`ckan run` of test.ini (the same database, Solr and Redis as the suite).
Each test logs in through the login form, clicks through a page's main
task, and leaves a screenshot in test-artifacts/."""
from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ckanext.catalogue.tests.helpers import BROWSER_PASSWORD, ROOT, ckan_ini, ckan_servers

CHROMIUM = os.environ.get("CATALOGUE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def portals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[tuple[tuple[str, str], ...]], str]]:
    """The URL of a served portal with these settings on top of test.ini
    (each started once, on first use, and stopped after the session)."""
    started: dict[tuple[tuple[str, str], ...], str] = {}
    folder = tmp_path_factory.mktemp("portal")
    with contextlib.ExitStack() as stack:
        def url_of(settings: tuple[tuple[str, str], ...]) -> str:
            if settings not in started:
                ini = Path(ckan_ini())
                if settings:
                    ini = folder / f"portal-{len(started)}.ini"
                    ini.write_text(f"[app:main]\nuse = config:{ckan_ini()}\n"
                                   + "".join(f"{key} = {value}\n" for key, value in settings))
                started[settings] = stack.enter_context(ckan_servers(ini, 1, folder, own_site_url=True))[0]
            return started[settings]
        yield url_of


@pytest.fixture
def portal_url(portals: Callable[[tuple[tuple[str, str], ...]], str], request: pytest.FixtureRequest) -> str:
    """The portal served with the test's ``ckan_config`` marks, so that the
    server and the test process see the same settings."""
    settings = tuple(sorted((str(m.args[0]), str(m.args[1])) for m in request.node.iter_markers("ckan_config")))
    return portals(settings)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make install` installs Debian's chromium"
    with sync_playwright() as playwright:
        # --no-sandbox: CI and these machines run the suite as root.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, portal_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context on the portal; fails the test on any 5xx
    answer or uncaught JavaScript error, and saves a screenshot of where
    the test ended."""
    context = browser.new_context(base_url=portal_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20000)
    opened = context.new_page()
    server_errors: list[str] = []
    opened.on("response", lambda r: server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    script_errors: list[str] = []
    opened.on("pageerror", lambda error: script_errors.append(f"{error} on {opened.url}"))
    yield opened
    ARTIFACTS.mkdir(exist_ok=True)
    opened.screenshot(path=str(ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.name)}.png"),
                      full_page=True)
    context.close()
    assert not server_errors, f"the portal answered 5xx: {server_errors}"
    assert not script_errors, f"the page's JavaScript failed: {script_errors[:5]}"


@pytest.fixture
def log_in(page: Any) -> Callable[[str], None]:
    """Log in through CKAN's login form (users made with ``BROWSER_PASSWORD``)."""
    def run(user_name: str) -> None:
        page.goto("/user/login")
        page.fill("#field-login", user_name)
        page.fill("#field-password", BROWSER_PASSWORD)
        page.get_by_role("button", name="Login").click()
        page.wait_for_url(lambda url: "/user/login" not in url)
        assert page.locator(f"a[href$='/user/{user_name}']").count(), f"{user_name} did not get logged in"
    return run
