"""Real-browser tests: headless Chromium (Selenium with the system's chromedriver) against the app served
by gunicorn on the test database. The type-ahead picker (app/static/picker.js) used with the keyboard on
the decision form, and axe-core (the copy bundled in the PyPI package axe-core-python, injected into the
page: nothing is fetched) on the main pages, at desktop width and at 320 px.

Skipped, saying why, where Chromium or chromedriver is missing (Debian: `apt-get install chromium
chromium-driver`); CI (.ci/run) installs them."""

import json
import os
import shutil
from datetime import date, timedelta
from importlib import resources
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from app.auth.models import Role
from app.decisions.models import Decision
from app.extensions import db
from app.meetings import operations as meeting_ops
from app.meetings.models import ApproverRole, AttendanceStatus
from tests import gov_factories as g
from tests.conftest import PASSWORD, make_user
from tests.test_pages_stay_small import bulk_children, bulk_history, bulk_reports, bulk_transitions

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
CHROMEDRIVER = shutil.which("chromedriver")

MISSING = None if CHROMIUM and CHROMEDRIVER else \
    "browser tests need Chromium and chromedriver on PATH (Debian: apt-get install chromium chromium-driver)"
if MISSING and os.environ.get("CI"):  # CI installs them (.ci/run): there a skip would hide a broken set-up
    raise RuntimeError(MISSING)
pytestmark = pytest.mark.skipif(bool(MISSING), reason=MISSING or "")

WAIT = 10  # seconds, the longest any explicit wait lasts
# One worker, never replaced: the browser's requests need no fresh processes (tests/conftest.py's gunicorn).
SERVER = pytest.mark.parametrize("gunicorn", [(1, 0)], indirect=True, ids=["gunicorn"])


@pytest.fixture(scope="module")
def chrome(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # The network is closed here and in CI: without these Chromium waits on connections of its own.
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=sv-SE",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})  # script errors, CSP refusals
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def browser_as(chrome, gunicorn):
    """browser_as(role) -> Chromium signed in, through the login form, as a new user with that role."""
    def _sign_in(role: Role = Role.SECRETARIAT):
        user = make_user(f"browser-{role.value}", role)
        chrome.delete_all_cookies()
        chrome.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        chrome.get(gunicorn.base + "/login")
        chrome.find_element(By.ID, "username").send_keys(user.username)
        chrome.find_element(By.ID, "password").send_keys(PASSWORD)
        chrome.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(chrome, WAIT).until(lambda d: "/login" not in d.current_url)
        chrome.base = gunicorn.base
        return user
    return _sign_in


def console_errors(driver) -> list[str]:
    """What the page logged as errors since the last call: a script's error, or something the
    Content-Security-Policy refused. The browser's own request for /favicon.ico (the app has none) is no
    page's error."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "/favicon.ico " not in entry["message"]]


def wait(driver, condition, message=""):
    return WebDriverWait(driver, WAIT).until(condition, message)


# --- The picker with the keyboard ----------------------------------------------------------------

def _combobox(driver, field_id):
    return driver.find_element(By.ID, f"{field_id}-combobox")


def _listbox(driver, field_id):
    return driver.find_element(By.ID, f"{field_id}-listbox")


def _type(driver, field_id, text, *keys, kind="group"):
    """Types into a picker, and waits until the app has answered the search for all of `text` (the
    picker asks after a pause in the typing, or at once on ArrowDown; a slow machine may ask in between
    too, and only the last answer counts)."""
    driver.execute_script("performance.clearResourceTimings()")
    _combobox(driver, field_id).send_keys(text, *keys)
    url = f"/picker/{kind}?q={quote(text)}"
    wait(driver, lambda d: d.execute_script(
        "var url = arguments[0]; return performance.getEntriesByType('resource').some("
        "function (e) { return e.name.slice(-url.length) === url && e.responseEnd > 0; })", url),
        f"no answer to {url}")


def _visible_options(driver, field_id):
    """The listbox's options once it is shown: [(id, text, aria-selected)]."""
    wait(driver, lambda d: _combobox(d, field_id).get_attribute("aria-expanded") == "true"
         and _listbox(d, field_id).is_displayed(), f"the {field_id} list never opened")
    return [(li.get_attribute("id"), li.text, li.get_attribute("aria-selected"))
            for li in _listbox(driver, field_id).find_elements(By.CSS_SELECTOR, "[role=option]")]


def _select_value(driver, field_id) -> str:
    return driver.execute_script("return document.getElementById(arguments[0]).value", field_id)


@SERVER
def test_picker_chooses_by_keyboard_and_the_form_saves_the_choice(app, chrome, browser_as):
    w = g.world()
    browser_as(Role.SECRETARIAT)
    driver = chrome
    driver.get(driver.base + "/decisions/new")

    # Enhanced: the select is hidden and a combobox stands in its place, labelled by the field's label.
    box = wait(driver, EC.visibility_of_element_located((By.ID, "executor_group_id-combobox")))
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-controls") == "executor_group_id-listbox"
    assert not driver.find_element(By.ID, "executor_group_id").is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "label[for=executor_group_id-combobox]").text == "Ansvarig grupp"

    # Typing narrows to the matching groups, each shown with its type and region.
    _type(driver, "executor_group_id", "hjärt")
    options = _visible_options(driver, "executor_group_id")
    assert [text for _id, text, _sel in options] == [
        "RAG Hjärtsvikt – RAG · Sjukvårdsregion Mellansverige",
        "RPO Hjärta Mellan – RPO · Sjukvårdsregion Mellansverige"]
    assert all(sel == "false" for _id, _text, sel in options)
    assert box.get_attribute("aria-activedescendant") is None
    # The count is told to a screen reader in a live region.
    status = box.find_element(By.XPATH, "preceding-sibling::*[@role='status']")
    assert status.get_attribute("textContent") == "2 träffar"

    # ArrowDown moves the highlight through the options; aria-activedescendant follows it.
    box.send_keys(Keys.ARROW_DOWN)
    wait(driver, lambda d: box.get_attribute("aria-activedescendant") == options[0][0])
    box.send_keys(Keys.ARROW_DOWN)
    wait(driver, lambda d: box.get_attribute("aria-activedescendant") == options[1][0])
    highlighted = driver.find_element(By.ID, options[1][0])
    assert highlighted.get_attribute("aria-selected") == "true"
    assert driver.find_element(By.ID, options[0][0]).get_attribute("aria-selected") == "false"

    # Enter chooses it: the list closes, the combobox shows the name, the hidden select carries the id.
    box.send_keys(Keys.ENTER)
    wait(driver, lambda d: box.get_attribute("aria-expanded") == "false")
    assert not _listbox(driver, "executor_group_id").is_displayed()
    assert box.get_attribute("aria-activedescendant") is None
    assert box.get_attribute("value") == "RPO Hjärta Mellan"
    assert _select_value(driver, "executor_group_id") == str(w.principal.id)
    assert "/decisions/new" in driver.current_url  # Enter chose; it did not submit the form

    # Escape closes an open list and leaves nothing chosen.
    group = _combobox(driver, "group_id")
    _type(driver, "group_id", "rsg")
    assert [t for _i, t, _s in _visible_options(driver, "group_id")] == [
        "RSG Mellansverige – RSG · Sjukvårdsregion Mellansverige"]
    group.send_keys(Keys.ESCAPE)
    wait(driver, lambda d: group.get_attribute("aria-expanded") == "false")
    assert not _listbox(driver, "group_id").is_displayed()
    assert group.get_attribute("value") == ""
    assert _select_value(driver, "group_id") == ""

    # ArrowDown on a closed list asks again; Enter takes the one match.
    _type(driver, "group_id", "rsg", Keys.ARROW_DOWN)
    assert len(_visible_options(driver, "group_id")) == 1
    group.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    wait(driver, lambda d: _select_value(d, "group_id") == str(w.steering.id))

    driver.find_element(By.ID, "title").send_keys("Beslut valt med tangentbordet")
    driver.find_element(By.ID, "text").send_keys("1. Gruppen beslutar.")
    driver.find_element(By.CSS_SELECTOR, "form .actions button[type=submit]").click()
    wait(driver, lambda d: "/decisions/new" not in d.current_url, "the form was not saved")
    assert console_errors(driver) == []

    db.session.expire_all()
    saved = db.session.scalar(sa.select(Decision).where(Decision.title == "Beslut valt med tangentbordet"))
    assert saved is not None
    assert (saved.group_id, saved.executor_group_id) == (w.steering.id, w.principal.id)
    assert driver.current_url.endswith(f"/decisions/{saved.id}")


@SERVER
def test_multiple_picker_adds_and_removes_by_keyboard(app, chrome, browser_as):
    """A PickerMultiField (the people who may report on an assignment): each choice joins a list of
    chosen ones with a button that takes it away; the form saves what is left."""
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    browser_as(Role.SECRETARIAT)
    driver = chrome
    driver.get(f"{driver.base}/assignments/{a.id}")
    box = _combobox(driver, "person_ids")
    box.find_element(By.XPATH, "ancestor::details/summary").click()
    wait(driver, EC.visibility_of(box))

    for name, shown in (("mona", "Mona Medlem – Region Uppsala"), ("rolf", "Rolf Mottagare – Region Uppsala")):
        _type(driver, "person_ids", name, kind="person")
        assert [t for _i, t, _s in _visible_options(driver, "person_ids")] == [shown]
        box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
        wait(driver, lambda d: box.get_attribute("aria-expanded") == "false")
        assert box.get_attribute("value") == ""
    chosen = box.find_element(By.XPATH, "preceding-sibling::ul[@class='picker-chosen']")
    remove = {b.get_attribute("aria-label"): b for b in chosen.find_elements(By.TAG_NAME, "button")}
    assert set(remove) == {"Ta bort Mona Medlem", "Ta bort Rolf Mottagare"}
    selected = "return Array.from(document.getElementById('person_ids').selectedOptions, o => Number(o.value))"
    assert sorted(driver.execute_script(selected)) == sorted([w.member.id, w.recipient_chair.id])

    # Already chosen: not offered again.
    _type(driver, "person_ids", "mona", kind="person")
    status = box.find_element(By.XPATH, "preceding-sibling::*[@role='status']")
    wait(driver, lambda d: status.get_attribute("textContent") == "Inga träffar")
    assert box.get_attribute("aria-expanded") == "false"
    box.send_keys(Keys.ESCAPE)

    # The remove button, used with the keyboard, takes Rolf away and gives the focus back to the search.
    remove["Ta bort Rolf Mottagare"].send_keys(Keys.ENTER)
    wait(driver, lambda d: driver.execute_script(selected) == [w.member.id])
    assert driver.switch_to.active_element == box
    box.find_element(By.XPATH, "ancestor::form//button[@type='submit' and not(@formmethod)]").click()
    wait(driver, EC.staleness_of(box), "the form was not sent")
    assert "Rapportörerna har sparats." in driver.find_element(By.TAG_NAME, "body").text
    assert console_errors(driver) == []

    db.session.expire_all()
    assert [p.id for p in db.session.get(type(a), a.id).reporters] == [w.member.id]


# --- Accessibility: axe-core on the main pages -----------------------------------------------------

AXE_SCRIPT = resources.files("axe_core_python").joinpath("axe.min.js").read_text(encoding="utf-8")
# WCAG 2.1 A and AA, and axe's best practices.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations"]}


def axe_violations(driver) -> list[dict]:
    """axe-core's violations on the page shown (injected as a script by WebDriver, so the page's
    Content-Security-Policy does not stand in its way)."""
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE_SCRIPT)
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(function (r) { done(JSON.stringify(r.violations)); },"
        " function (e) { done(JSON.stringify({error: String(e)})); });", AXE_OPTIONS)
    violations = json.loads(result)
    assert not isinstance(violations, dict), f"axe-core failed: {violations}"
    return violations


def readable(page: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{page}: {v['id']} ({v['impact']}): {v['help']} – {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)


def overflowing(driver) -> list[str]:
    """If the page scrolls sideways: the outermost elements whose box reaches past its right edge, else the
    innermost ones whose text does (what scrolls or is clipped in a container of its own is fine)."""
    return driver.execute_script("""
        var width = document.documentElement.clientWidth + 1;  // the window less its scrollbar
        if (document.documentElement.scrollWidth <= width) { return []; }
        var all = Array.prototype.slice.call(document.querySelectorAll("body *")), boxes = [];
        all.forEach(function (e) {
          var r = e.getBoundingClientRect();
          if (r.width && r.right > width && !boxes.some(function (b) { return b.contains(e); })) { boxes.push(e); }
        });
        var texts = all.filter(function (e) {
          var r = e.getBoundingClientRect();
          return r.width && getComputedStyle(e).overflowX === "visible" && r.left + e.scrollWidth > width;
        });
        var found = boxes.length ? boxes : texts.filter(function (e) {
          return !texts.some(function (t) { return t !== e && e.contains(t); });
        });
        return found.slice(0, 5).map(function (e) { return e.outerHTML.slice(0, 100).replace(/\\s+/g, " "); });
    """)


def _meeting_with_everything(w):
    """A held meeting with an agenda, minutes to approve, attendance and approvers."""
    m = g.meeting(w.recipient, starts_on=date.today() - timedelta(days=7), title="Arbetsgruppsmöte")
    g.agenda_item(m, "Uppdraget om kunskapsstöd", presenter="Rolf Mottagare")
    g.agenda_item(m, "Övriga frågor")
    meeting_ops.set_attendance(m, {"person_id": w.recipient_chair.id, "status": AttendanceStatus.PRESENT,
                                   "representing_id": w.region.id}, None)
    meeting_ops.set_attendance(m, {"person_id": w.member.id, "status": AttendanceStatus.ABSENT}, None)
    meeting_ops.add_approver(m, w.recipient_chair.id, ApproverRole.CHAIR, None)
    meeting_ops.add_approver(m, w.member.id, ApproverRole.ADJUSTER, None)
    db.session.commit()
    return m


@SERVER
@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_main_pages_have_no_axe_violations(app, chrome, browser_as, width):
    """Signed in as the secretariat: no axe-core violation, no console error, and at 320 px no page
    that scrolls sideways. All that was found is told at once, page by page."""
    w = g.world()
    m = _meeting_with_everything(w)
    g.decision(w.recipient, meeting_id=m.id, executor_group_id=w.principal.id)
    # An assignment with more reports and history than its page shows: the pagers are drawn too.
    a = g.assignment(w.principal, w.recipient)
    bulk_reports(a, 12)
    bulk_history(a, 25)
    bulk_transitions(a, 25)
    bulk_children(a, 25)
    browser_as(Role.SECRETARIAT)
    if width:
        # 320 CSS pixels: a phone held upright, or 1280 px zoomed to 400 % (WCAG 1.4.10 reflow).
        chrome.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": 720, "deviceScaleFactor": 1, "mobile": False})
    pages = {"start page": "/", "meeting page": f"/meetings/{m.id}", "decision form": "/decisions/new",
             "account page": "/account/", "assignment page": f"/assignments/{a.id}",
             "assignment form": "/assignments/new", "meeting list": "/meetings/",
             "assignment list sorted": "/assignments/?sort=-title", "search": "/search/?q=uppdrag",
             "secretariat's dashboard": "/followup/", "steering dashboard": f"/followup/groups/{w.principal.id}",
             "KPI list narrowed": "/competence/kpis?months=12&status=met",
             "a region's meetings": f"/competence/regions/maturity/{w.region.id}/meetings"}
    found = []
    for name, path in pages.items():
        chrome.get(chrome.base + path)
        wait(chrome, lambda d: d.execute_script("return document.readyState") == "complete")
        assert "/login" not in chrome.current_url, f"{name}: not signed in"
        if path in ("/decisions/new", "/assignments/new"):  # the pickers enhanced, as a person sees them
            wait(chrome, EC.presence_of_element_located((By.CSS_SELECTOR, ".picker-enhanced [role=combobox]")))
        if width:
            assert chrome.execute_script("return window.innerWidth") == width
            found += [f"{name} ({path}): scrolls sideways at {width} px (WCAG 1.4.10 reflow): " + "; ".join(wide)
                      for wide in [overflowing(chrome)] if wide]
        found += [readable(f"{name} ({path})", [v]) for v in axe_violations(chrome)]
        found += [f"{name} ({path}): console error: {message}" for message in console_errors(chrome)]
    assert not found, "\n".join(found)
