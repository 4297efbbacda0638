"""Accessibility checks for browser tests: axe-core (from node_modules, pinned by package-lock.json)
run inside the page, and the phone-width rule (nothing wider than the screen).

axe is injected through Playwright's evaluate, so the page under test ships no test code; the
browser context is opened with bypass_csp so the page's Content-Security-Policy does not stop it.
"""
from __future__ import annotations

from functools import lru_cache

from engine.config import PROJECT_ROOT

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@lru_cache(maxsize=1)
def _axe_source() -> str:
    if not AXE.is_file():
        raise AssertionError(f"{AXE} is missing: run `make npm-install` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations on the page as shown now, one readable line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n['target']) for n in v["nodes"][:3])
            for v in result["violations"] if v.get("impact") in BLOCKING]


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")



def lines_of(locator) -> int:
    """On how many lines an element's text is laid out (1: read whole, never broken)."""
    return locator.evaluate("""el => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    }""")
