"""The operations console in a real browser (headless Chromium through Selenium).

Signs in as an agent, opens the highest-priority case in the inventory queue, claims it,
resolves it with a code and checks that the backlog count drops (and that the overview shows a touchless share above
zero: the demo's touchless rules act on the simulated systems); then signs in as a
viewer and checks that a viewer gets no resolve control and is refused if it tries
anyway. Saves screenshots of the overview, a queue and a case.

Run by ConsoleBrowserTests (swift test), which starts Clearway and seeds it:
  python console_test.py BASE_URL AGENT_PASSWORD VIEWER_PASSWORD SCREENSHOT_DIR
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800"]:
        options.add_argument(arg)
    options.binary_location = os.environ.get("CLEARWAY_CHROMIUM", "/usr/bin/chromium")
    return webdriver.Chrome(service=Service(os.environ.get("CLEARWAY_CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


def sign_in(driver, base, username, password):
    driver.get(base + "/console")
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "username")))
    assert "/console/login" in driver.current_url, "an anonymous visit must land on the sign-in page"
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-kpi='Open exceptions']")))


def kpi(driver, name):
    """Reads a KPI tile in one step inside the page: the live overview replaces its tiles
    every few seconds, so an element found first and read later can already be gone."""
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;",
        f"[data-kpi='{name}']")


def open_exceptions(driver):
    return int(kpi(driver, "Open exceptions"))


def main():
    base, agent_password, viewer_password, shots = sys.argv[1:5]
    os.makedirs(shots, exist_ok=True)
    driver = browser()
    try:
        sign_in(driver, base, "agent", agent_password)
        before = open_exceptions(driver)
        assert before > 0, "the seeded backlog must not be empty"
        touchless = kpi(driver, "Touchless rate")
        assert float(touchless.rstrip("%")) > 0, f"the demo's touchless rules must have cleared some exceptions: {touchless}"
        driver.save_screenshot(os.path.join(shots, "overview.png"))

        driver.find_element(By.LINK_TEXT, "Inventory").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "tbody tr")))
        driver.save_screenshot(os.path.join(shots, "queue.png"))
        rows = driver.find_elements(By.CSS_SELECTOR, "tbody tr")
        scores = [float(r.find_elements(By.TAG_NAME, "td")[1].text) for r in rows]
        assert scores == sorted(scores, reverse=True), f"the queue must be sorted by priority: {scores}"
        top = rows[0].find_element(By.CSS_SELECTOR, "a[href^='/console/cases/']")
        order = top.text
        top.click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.exception")))
        assert order in driver.find_element(By.TAG_NAME, "h1").text

        article = [a for a in driver.find_elements(By.CSS_SELECTOR, "article.exception")
                   if a.find_element(By.TAG_NAME, "h3").text.startswith("inventory.")
                   and a.find_elements(By.XPATH, ".//button[normalize-space()='Claim']")][0]
        heading = article.find_element(By.TAG_NAME, "h3").get_attribute("id")
        article.find_element(By.XPATH, ".//button[normalize-space()='Claim']").click()
        WebDriverWait(driver, 30).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".notice"), "Claimed"))
        article = driver.find_element(By.XPATH, f"//article[@aria-labelledby='{heading}']")
        assert "assigned · agent" in article.find_element(By.TAG_NAME, "h3").text

        resolve_form = article.find_element(By.XPATH, ".//form[contains(@action, '/resolve')]")
        Select(resolve_form.find_element(By.NAME, "code")).select_by_value("stock_reallocated")
        resolve_form.find_element(By.NAME, "note").send_keys("Moved stock from the other DC")
        driver.save_screenshot(os.path.join(shots, "case.png"))
        resolve_form.find_element(By.TAG_NAME, "button").click()
        WebDriverWait(driver, 30).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".notice"), "Resolved with stock_reallocated"))
        article = driver.find_element(By.XPATH, f"//article[@aria-labelledby='{heading}']")
        assert "resolved" in article.find_element(By.TAG_NAME, "h3").text
        assert "Moved stock from the other DC" in driver.find_element(By.CSS_SELECTOR, "ol.timeline").text

        driver.find_element(By.LINK_TEXT, "Overview").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-kpi='Open exceptions']")))
        after = open_exceptions(driver)
        assert after == before - 1, f"open exceptions should drop by one: {before} -> {after}"
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "username")))

        sign_in(driver, base, "viewer", viewer_password)
        driver.find_element(By.LINK_TEXT, "Inventory").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "tbody tr")))
        assert not driver.find_elements(By.CSS_SELECTOR, "input[name=ids]"), "a viewer must get no bulk controls"
        case_link = driver.find_element(By.CSS_SELECTOR, "tbody a[href^='/console/cases/']")
        case_url = case_link.get_attribute("href")
        case_link.click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.exception")))
        assert not driver.find_elements(By.XPATH, "//button[normalize-space()='Resolve']"), "a viewer must see no Resolve button"
        # Even a hand-made request with the viewer's own CSRF token is refused by the server.
        exception_id = driver.find_element(By.CSS_SELECTOR, "article.exception h3").get_attribute("id")[3:]
        status = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const csrf = document.querySelector("input[name=csrf]").value;
            fetch(arguments[0] + "/exceptions/" + arguments[1] + "/resolve", {method: "POST",
                  headers: {"Content-Type": "application/x-www-form-urlencoded"},
                  body: "csrf=" + encodeURIComponent(csrf) + "&code=duplicate"}).then(r => done(r.status));
        """, case_url, exception_id)
        assert status == 403, f"a viewer's resolve must be refused with 403, got {status}"

        # Insights: the period's KPIs, then the process map drawn from the audit log.
        driver.find_element(By.LINK_TEXT, "Insights").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-kpi='opened']")))
        opened = int(kpi(driver, "opened"))
        assert opened > 0, f"the demo's history must show exceptions opened: {opened}"
        driver.save_screenshot(os.path.join(shots, "insights.png"))
        driver.find_element(By.PARTIAL_LINK_TEXT, "Process map").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg.process-map")))
        assert driver.find_elements(By.CSS_SELECTOR, "svg.process-map path"), "the process map must draw its transitions"
        driver.save_screenshot(os.path.join(shots, "process.png"))

        # Models: the demo trained the message classifier at start and put it in service.
        driver.find_element(By.LINK_TEXT, "Models").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "versions-h")))
        serving = driver.find_element(By.TAG_NAME, "main").text
        assert "Serving message-classifier@1" in serving, f"the demo's classifier must serve: {serving[:300]}"
        driver.save_screenshot(os.path.join(shots, "models.png"))
        print(f"console browser test passed: open exceptions {before} -> {after}, viewer refused ({status}), insights opened {opened}, classifier serving")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
