"""Take the pictures in docs/screenshots/ from the demo trust. Rerun after changing a page:

    .venv/bin/python scripts/screenshots.py

Builds the demo trust in its own SQLite file (var/screenshots.sqlite3), serves it with runserver
on a free local port, and photographs the team page, the project page, a cycle form, the board
dashboard, a measure page and the coach dashboard in headless Chromium (/usr/bin/chromium,
or CHROMIUM=/path/to/chromium).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DATABASE = ROOT / "var" / "screenshots.sqlite3"
PASSWORD = os.environ.get("DEMO_PASSWORD", "improve-2025")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env, *args, **kwargs):
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, **kwargs
    )


def _wait_for(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - local http only
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def _shoot(base):
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        _sign_in(page, base, "lead.willow")
        page.screenshot(path=OUT / "team-page.png", full_page=True)

        page.get_by_role("link", name="Fewer violent incidents on Willow Ward").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "project-page.png", full_page=True)

        page.get_by_role(
            "link", name="PDSA 2: Calm-down boxes co-designed with patients"
        ).first.click()
        page.get_by_role("link", name="Record Act").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "cycle-form.png", full_page=True)

        _sign_in(page, base, "board.chair")
        page.screenshot(path=OUT / "board-dashboard.png", full_page=True)
        page.locator("table a[href^='/measures/']").first.click()
        page.wait_for_selector(".js-plotly-plot")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "measure-page.png", full_page=True)

        _sign_in(page, base, "coach.amara")
        page.screenshot(path=OUT / "coach-dashboard.png", full_page=True)
        browser.close()


def _sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state("networkidle")


def main():
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{DATABASE}",
        "DEMO_PASSWORD": PASSWORD,
    }
    env.pop("REDIS_URL", None)
    DATABASE.parent.mkdir(parents=True, exist_ok=True)
    DATABASE.unlink(missing_ok=True)  # a fresh trust each time: the pictures are reproducible
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "seed_demo", stdout=subprocess.DEVNULL)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz")
        _shoot(base)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Screenshots written to {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
