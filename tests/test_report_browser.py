"""The review report in a real browser: Debian's chromium, headless, through
selenium and /usr/bin/chromedriver (installed by `make test`, or here, by
tools/ensure-chromium.sh when missing)."""

import json
import shutil
import subprocess
import tempfile

import pytest

from conftest import COMMITTED_CLEAN, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Without the background-networking flags chromium's own connections are
# refused on a closed network and it logs errors; the sandbox needs a non-root user.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1400,900",
]
# Installing chromium takes about 30 s on a fresh machine; waits in the page are short.
INSTALL_TIMEOUT_S = 600
WAIT_S = 10


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the dev extra: pip install -e '.[dev]'")
    if shutil.which(CHROMIUM) is None or shutil.which(CHROMEDRIVER) is None:
        run = subprocess.run(["sh", str(ROOT / "tools" / "ensure-chromium.sh")], capture_output=True, text=True,
                             timeout=INSTALL_TIMEOUT_S)
        if run.returncode != 0:
            pytest.skip(f"no headless browser: chromium is not installed and could not be ({run.stderr.strip()[-300:]})")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="presswash-chromium-")
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(WAIT_S)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def marks(driver):
    return driver.find_elements("css selector", "#text [data-rule]")


def test_report_in_a_browser(browser, tmp_path):
    from selenium.webdriver.support.ui import Select

    manifest = json.loads((COMMITTED_CLEAN / "manifest.json").read_text(encoding="utf-8"))
    browser.get((COMMITTED_CLEAN / "report.html").resolve().as_uri())

    rows = browser.find_elements("css selector", "#list li")
    assert [row.get_attribute("data-id") for row in rows] == sorted(manifest["documents"])

    doc = "004_c1566947fe81e285"
    browser.find_element("css selector", f'#list li[data-id="{doc}"]').click()
    before = {m.get_attribute("data-rule") for m in marks(browser)}
    assert before == {key for key in manifest["documents"][doc]["edits"]}, "every rule of the doc is marked"

    rule = "strip_boilerplate/see-also-teaser"
    Select(browser.find_element("id", "rule")).select_by_visible_text(rule)
    after = [m.get_attribute("data-rule") for m in marks(browser)]
    assert after and set(after) == {rule}
    listed = [row.get_attribute("data-id") for row in browser.find_elements("css selector", "#list li")]
    assert listed == sorted(d for d, e in manifest["documents"].items() if rule in e["edits"])

    marks(browser)[0].click()
    assert rule in browser.find_element("id", "detail").text
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    Select(browser.find_element("id", "rule")).select_by_index(0)  # all rules again
    browser.find_element("id", "search").send_keys("000_168d")
    browser.implicitly_wait(0)
    for _ in range(50):  # the search box waits 200 ms for typing to stop
        if len(browser.find_elements("css selector", "#list li")) == 1:
            break
        browser.execute_script("return new Promise(r => setTimeout(r, 50))")
    assert [r.get_attribute("data-id") for r in browser.find_elements("css selector", "#list li")] == ["000_168d10991dd40f8a"]

    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
