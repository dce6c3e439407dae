"""axe-core in the page (axe-playwright-python bundles axe.min.js), and its findings as text."""

from collections import Counter

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("serious", "critical")
_axe = Axe()


def settle(page) -> None:
    """Wait until the page is drawn: loaded, and every Plotly chart rendered."""
    page.wait_for_load_state("load")
    for chart in page.locator("[data-figure]").all():
        chart.locator("svg.main-svg").first.wait_for(state="attached", timeout=15_000)


def violations(page) -> list[dict]:
    """Every axe violation on the page as it is now (all impacts)."""
    settle(page)
    return _axe.run(page).response["violations"]


def blocking(found: list[dict]) -> list[dict]:
    return [v for v in found if v["impact"] in BLOCKING]


def describe(where: str, found: list[dict]) -> str:
    """One paragraph per violation: id, impact, help, and the nodes it was found on."""
    lines = []
    for v in found:
        targets = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:8])
        more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
        lines.append(f"{where}: {v['id']} [{v['impact']}] {v['help']} — nodes: {targets}{more}")
    return "\n".join(lines)


def tally(found: list[dict], counter: Counter) -> None:
    for v in found:
        counter[f"{v['id']} ({v['impact']})"] += 1
