"""Every page satisfies its own Content-Security-Policy in a real browser: nothing is blocked, at
the desk's 1280 px and a phone's 390 px. The policy forbids inline scripts, so the collector is
first shown to catch one."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine import commands
from engine.commands.reception import Applicant
from tests.web.conftest import open_item

pytestmark = pytest.mark.slow

COLLECT = """document.addEventListener("securitypolicyviolation", e =>
  window.reportViolation([e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber].join(" ")));"""


@pytest.fixture
def watched(chromium, live_server):
    """``watched(username)``: a browser window (logged in unless username is None) whose every
    CSP violation, from the page's event or the console, lands in ``violations``."""
    violations: list[str] = []
    contexts = []

    def open_window(username, width):
        context = chromium.new_context(base_url=live_server, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                       viewport={"width": width, "height": 900})
        contexts.append(context)
        context.expose_function("reportViolation", lambda text: violations.append(text))
        context.add_init_script(COLLECT)
        page = context.new_page()
        page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
        if username:
            page.goto("/login")
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill("motcua-demo")
            page.get_by_label("Mật khẩu").press("Enter")
            page.wait_for_url("**/admin/" if username == "admin" else "**/inbox")  # admins start on /admin/
        return page

    yield open_window, violations
    for context in contexts:
        context.close()


def visit(page, url, violations):
    response = page.goto(url)
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")  # events delivered
    assert violations == [], (url, violations)


def test_the_collector_sees_a_blocked_inline_script(watched):
    open_window, violations = watched
    page = open_window(None, 1280)
    page.goto("/login")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.ran = true"; document.body.append(s); }""")
    page.wait_for_function("() => true")
    expect(page.locator("body")).to_be_visible()
    page.evaluate("() => new Promise(r => setTimeout(r, 0))")
    assert not page.evaluate("() => window.ran === true")
    assert any("script-src" in v for v in violations), violations


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_is_blocked_by_its_own_policy(watched, demo, width):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    item = open_item(demo, dossier.id)
    open_window, violations = watched
    anonymous = open_window(None, width)
    for url in ("/login", "/tra-cuu", "/xac-minh/khong-co", "/tasks/999999"):
        visit(anonymous, url, violations)
    counter = open_window("tiepnhan", width)
    for url in ("/inbox", "/reception/new", "/reception/lookup", f"/dossiers/{dossier.id}",
                f"/dossiers/{dossier.id}/receipt", f"/dossiers/{dossier.id}/control-slip",
                "/registers/tracking", "/notifications", f"/dossiers/{dossier.id}/withdraw"):
        visit(counter, url, violations)
    # The page's own script still works: choosing a procedure shows its checklist at once.
    counter.goto("/reception/new")
    counter.get_by_label("Thủ tục hành chính").select_option("dang_ky_ket_hon")
    expect(counter.get_by_label("Tờ khai đăng ký kết hôn")).to_be_visible()
    # And the print button prints (window.print is replaced to observe the call).
    counter.goto(f"/dossiers/{dossier.id}/receipt")
    counter.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    counter.locator("button[data-print]").click()
    assert counter.evaluate("() => window.printed") == 1
    specialist = open_window("chuyenvien", width)
    for url in ("/inbox?tab=unclaimed", f"/tasks/{item}"):
        visit(specialist, url, violations)
    supervisor = open_window("giamsat", width)
    visit(supervisor, "/supervise", violations)
    modeller = open_window("thietke", width)
    for url in ("/procedures", "/procedures/dang_ky_ket_hon", "/procedures/new"):
        visit(modeller, url, violations)
    # The BPMN editor (bpmn-js): drawn, then an element selected, the panel filled in.
    modeller.goto("/procedures/dang_ky_ket_hon/edit")
    expect(modeller.locator("#editor")).to_have_attribute("data-ready", "true")
    if width == 1280:  # on a phone the editor's palette lies over the step
        modeller.locator('#editor-canvas g.djs-shape[data-element-id="appraise"]').first.click()
        expect(modeller.locator("#panel-fields input[name=id]")).to_have_value("appraise")
    assert violations == [], ("/procedures/dang_ky_ket_hon/edit", violations)
    admin = open_window("admin", width)
    for url in ("/admin/", "/admin/agencies", "/admin/calendar", "/admin/partners", "/admin/partners/messages",
                "/admin/portal"):
        visit(admin, url, violations)
    assert violations == []
