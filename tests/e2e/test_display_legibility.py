"""The hall display read from across the hall: capitals ≥ 55 mm at 5 m on a 43" and a 55" 1080p TV (ADA 703.5.5
scaled by distance, 11 mm a metre), a blink that never dips below 4.5:1, no motion under prefers-reduced-motion,
labels in kk and ru in turn."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_check, screenshot, wait_js
from tests.e2e.test_display import call_next, operator, tv, tv_browser  # noqa: F401  (fixtures)

pytestmark = pytest.mark.e2e

PANEL_MM = {43: 952.0, 55: 1218.0}     # the width of a 16:9 panel of that diagonal
# What a visitor needs: the current call and its desk, the recent calls and their desks, each queue's letter and count.
NEEDED = ["#now-number", "#now-desk", ".display-recent-number", ".display-recent-desk",
          ".display-waiting-prefix", ".display-waiting-count"]
MEASURE = """(selectors) => {
  // The capital height of the page's font over its size, from the browser's ink box of "H".
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = "bold 200px 'DejaVu Sans', sans-serif";
  const ratio = ctx.measureText('H').actualBoundingBoxAscent / 200;
  const out = [];
  selectors.forEach((sel) => document.querySelectorAll(sel).forEach((el) => {
    if (!el.getClientRects().length || !el.textContent.trim()) return;
    const r = el.getBoundingClientRect();
    out.push({sel, text: el.textContent.trim(), cap_px: parseFloat(getComputedStyle(el).fontSize) * ratio,
              box: [r.left, r.top, r.right, r.bottom], ratio});
  }));
  return {out, w: innerWidth, h: innerHeight};
}"""


def luminance(rgb: str) -> float:
    values = [int(v) / 255 for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.fixture(scope="module")
def calls(live_server, operator):   # noqa: F811
    for desk, service in ((1, 1), (3, 2), (4, 3), (5, 4), (1, 1), (3, 2)):
        call_next(live_server, operator, desk, service)
    for service in (1, 1, 2, 4, 5, 7, 3):
        live_server.issue(service)


@pytest.mark.parametrize("inches, metres, cap_mm", [(43, 5, 55), (55, 5, 55), (55, 8, 86)])
def test_what_a_visitor_needs_has_capitals_large_enough_for_the_distance(tv, calls, inches, metres, cap_mm):  # noqa: F811
    page = tv(f"?lang=kk&screen_in={inches}&viewing_m={metres}")
    page.wait_for_timeout(3500)   # the blink of the newest call ends
    measured = page.evaluate(MEASURE, NEEDED)
    mm_per_px = PANEL_MM[inches] / 1920
    seen = {m["sel"] for m in measured["out"]}
    assert seen == set(NEEDED), f"missing on screen: {set(NEEDED) - seen}"
    assert page.locator("#recent li").count() >= 1
    for m in measured["out"]:
        mm = m["cap_px"] * mm_per_px
        assert mm >= cap_mm, f'{m["sel"]} {m["text"]!r}: capitals {mm:.0f} mm < {cap_mm} mm at {metres} m on {inches}"'
        left, top, right, bottom = m["box"]
        assert left >= -1 and top >= -1 and right <= measured["w"] + 1 and bottom <= measured["h"] + 1, m
    assert not page.evaluate("document.documentElement.scrollWidth > innerWidth"
                             " || document.documentElement.scrollHeight > innerHeight")
    smallest = min(m["cap_px"] for m in measured["out"]) * mm_per_px
    print(f'{inches}" at {metres} m: smallest capital {smallest:.0f} mm (needs {cap_mm})')
    screenshot(page, f"display-legible-{inches}in-{metres}m")


def test_the_blink_never_dips_below_4_5_to_1(tv, live_server, operator):  # noqa: F811
    page = tv("?lang=kk")
    call_next(live_server, operator, 1, 2)
    wait_js(page, "() => document.getElementById('now').classList.contains('display-flash')")
    ratios = []
    for _ in range(30):   # 3 s of the blink, every 100 ms
        colours = page.evaluate("() => { const s = getComputedStyle(document.getElementById('now-number'));"
                                " const b = getComputedStyle(document.getElementById('now'));"
                                " const body = getComputedStyle(document.getElementById('now-body'));"
                                " return [s.color, b.backgroundColor, body.color]; }")
        ratios.append(contrast(*colours[:2]))
        ratios.append(contrast(colours[2], colours[1]))   # the body's name under the call blinks with it
        page.wait_for_timeout(100)
    assert min(ratios) >= 4.5, ratios
    assert len({round(r, 1) for r in ratios}) >= 2, "it does blink"


def test_no_blink_and_no_ticker_motion_under_prefers_reduced_motion(tv_browser, live_server, operator):  # noqa: F811
    context = tv_browser.new_context(viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/display/?lang=ru")
        wait_js(page, "() => window.kezekDisplay && kezekDisplay.state.snapshots > 0")
        call_next(live_server, operator, 3, 3)
        wait_js(page, "() => document.getElementById('now').classList.contains('display-flash')")
        names = page.evaluate("() => ['now', 'ticker-text'].map(id => getComputedStyle(document.getElementById(id)).animationName)")
        assert names == ["none", "none"], names
        axe_check(page, "display-reduced-motion")
    finally:
        context.close()


def test_the_labels_alternate_between_kazakh_and_russian(tv, calls):  # noqa: F811
    page = tv()
    title = page.locator(".display-waiting .display-section-title")
    first = title.text_content()
    wait_js(page, "t => document.querySelector('.display-waiting .display-section-title').textContent !== t",
            first, timeout=12000)
    assert {first, title.text_content()} == {"Күтуде", "Ожидают"}
