"""The HTML report in a real browser: headless Chromium (the system's, through Selenium and the
system's chromedriver; nothing is downloaded) opens the report of an invalid example.

Skipped only when no Chromium or chromedriver is installed (Debian: ``apt-get install chromium
chromium-driver``); ``.ci/run`` installs them and sets RODCLI_REQUIRE_BROWSER=1, so in CI a
missing browser fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "invalid" / "ho_rows.csv"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _missing() -> str | None:
    if not any(shutil.which(name) for name in BROWSERS):
        return "no Chromium installed (Debian: apt-get install chromium chromium-driver)"
    if not shutil.which("chromedriver"):
        return "no chromedriver installed (Debian: apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("RODCLI_REQUIRE_BROWSER"):
            pytest.fail(f"RODCLI_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # Both paths given, so Selenium Manager has nothing to look up or download.
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = next(path for path in map(shutil.which, BROWSERS) if path)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _rodcli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rodcli", *map(str, args)],
                          capture_output=True, text=True, check=False)


def test_report_of_an_invalid_example_in_chromium(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    report = tmp_path / "r.html"
    run = _rodcli("validate", EXAMPLE, "--format", "html", "-o", report, "--lang", "en", "-q")
    assert run.returncode == 1, run.stderr
    expected = json.loads(_rodcli("validate", EXAMPLE, "--format", "json").stdout)["counts"]

    browser.get(report.as_uri())
    assert browser.find_element(By.ID, "verdict").text == "Not in order: 2 error(s) to fix first."
    for severity, count in expected["by_severity"].items():
        assert browser.find_element(By.ID, f"count-{severity}").text == str(count)
    bars = browser.find_elements(By.CSS_SELECTOR, ".bar-row")
    assert {bar.get_attribute("data-code"): bar.text.split()[-1] for bar in bars} == {
        code: str(count) for code, count in expected["by_code"].items()}

    def shown() -> list[str]:
        return [row.get_attribute("data-code") for row in
                browser.find_elements(By.CSS_SELECTOR, "section.group tbody tr")
                if row.is_displayed()]

    assert shown() == ["I010", "I011"]
    Select(browser.find_element(By.ID, "f-code")).select_by_value("I011")
    assert shown() == ["I011"]
    assert not browser.find_element(By.ID, "code-I010").is_displayed()
    assert browser.find_element(By.ID, "visible").text == "1"
    browser.save_screenshot(str(tmp_path / "filtered.png"))

    Select(browser.find_element(By.ID, "f-code")).select_by_value("")
    search = browser.find_element(By.ID, "f-search")
    search.send_keys("18 columns")  # the I010 message: free-text search over every cell
    assert shown() == ["I010"]
    search.clear()  # clear() fires no input event: send one, as typing would
    browser.execute_script("document.getElementById('f-search')"
                           ".dispatchEvent(new Event('input'))")
    assert shown() == ["I010", "I011"]

    screenshot = tmp_path / "report.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000  # a rendered page, not a blank one
    if os.environ.get("RODCLI_SCREENSHOT_DIR"):  # to look at it by eye
        shutil.copy(screenshot, Path(os.environ["RODCLI_SCREENSHOT_DIR"]) / "report.png")
        shutil.copy(tmp_path / "filtered.png",
                    Path(os.environ["RODCLI_SCREENSHOT_DIR"]) / "filtered.png")


def test_sorting_by_a_column(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    report = tmp_path / "r.html"
    bulk = tmp_path / "bulk.csv"
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    # three rows with an unknown record type: one group of three rows, lines 2, 3 and 4
    bulk.write_text(lines[0] + "".join(line.replace("inschrijving;", "Inschrijving;", 1)
                                       for line in lines[1:3]) + lines[2], encoding="utf-8")
    assert _rodcli("validate", bulk, "--format", "html", "-o", report, "-q").returncode == 1
    browser.get(report.as_uri())
    group = browser.find_element(By.ID, "code-I011")

    def lines_shown() -> list[str]:
        return [row.find_elements(By.TAG_NAME, "td")[1].text
                for row in group.find_elements(By.CSS_SELECTOR, "tbody tr")]

    assert lines_shown() == ["2", "3", "4"]
    heading = group.find_elements(By.TAG_NAME, "th")[1]
    heading.click()
    assert lines_shown() == ["2", "3", "4"]
    heading.click()
    assert lines_shown() == ["4", "3", "2"]


def test_without_a_browser_the_skip_says_what_to_install(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing installed
    reason = _missing()
    assert reason is not None and "apt-get install chromium chromium-driver" in reason
    (tmp_path / "chromium").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "chromium").chmod(0o755)
    assert "no chromedriver installed" in (_missing() or "")
