"""The run page in a real browser: Debian's chromium driven by Playwright."""

import shutil

import pytest

from tests.support.fixtures import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: run scripts/test.sh as root once")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_browser_run_shows_live_output(
    page, live_server, make_user, make_target, make_job, winrm_host, worker
):
    make_user("olivia", "operator")
    target = make_target(winrm_host)
    job = make_job(
        [
            '1..3 | ForEach-Object { Write-Output "item $_"; Start-Sleep -Seconds 1 }',
            'Write-Output "bye $who"',
        ],
        parameters=[{"name": "who", "type": "string", "required": True}],
    )

    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "olivia")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/jobs/{job.id}/run")
    page.check(f"input[name=targets][value='{target.id}']")
    page.fill("input[name=param_who]", "<b>team</b>")
    page.click("text=Start run")

    step = page.locator(".step[data-step='1']")
    step.locator("pre.stdout").filter(has_text="item 1").wait_for(timeout=15000)
    assert step.get_attribute("data-status") == "running"

    run = page.locator("section.run[data-status='succeeded']")
    run.wait_for(timeout=30000)
    assert run.get_attribute("hx-trigger") is None
    output = page.locator(".step[data-step='2'] pre.stdout").inner_text()
    assert output.strip() == "bye <b>team</b>"
    assert page.locator(".step[data-step='2'] b").count() == 0
