"""The operations console in a real browser (headless Chromium through Selenium).

Signs in as an agent, opens the highest-priority case in the inventory queue, claims it,
resolves it with a code and checks that the backlog count drops (and that the overview shows a touchless share above
zero: the demo's touchless rules act on the simulated systems); presses Get next on My
work and lands on the case it took; saves a filtered queue as a view and opens it again
from My work; asks for a price override above the approval threshold. Then signs in as a
viewer and checks that a viewer gets no resolve control and is refused if it tries
anyway; then as an approver, who decides the override from the approvals page, where
the customer, the stake and the guardrails' verdicts are shown. Saves screenshots.

Run by ConsoleBrowserTests (swift test), which starts Clearway and seeds it:
  python console_test.py BASE_URL AGENT_PASSWORD VIEWER_PASSWORD SCREENSHOT_DIR APPROVER_PASSWORD
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


def notice(driver, text):
    WebDriverWait(driver, 30).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".notice"), text))
    return driver.find_element(By.CSS_SELECTOR, ".notice").text


def get_next_and_saved_view(driver, shots):
    """My work: Get next takes the most urgent item and opens its case; a filtered queue
    saved as a view comes back from My work with its filter."""
    driver.find_element(By.LINK_TEXT, "My work").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "get-next")))
    driver.find_element(By.ID, "get-next").click()
    taken = notice(driver, "Get next: most urgent")
    assert "/console/cases/" in driver.current_url, f"Get next must open the case it took: {driver.current_url}"
    assert "assigned · agent" in driver.find_element(By.TAG_NAME, "main").text, "the item Get next took must be the agent's"
    driver.find_element(By.LINK_TEXT, "My work").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "mine-h")))
    assert "Assigned to me (0)" not in driver.find_element(By.ID, "mine-h").text
    driver.save_screenshot(os.path.join(shots, "my-work.png"))

    driver.find_element(By.LINK_TEXT, "Pricing").click()
    Select(driver.find_element(By.NAME, "sort")).select_by_value("due")
    driver.find_element(By.XPATH, "//form[@aria-label='Filter the queue']//button").click()
    WebDriverWait(driver, 30).until(EC.url_contains("sort=due"))
    driver.find_element(By.XPATH, "//summary[normalize-space()='Save this view']").click()
    driver.find_element(By.CSS_SELECTOR, "form[action='/console/views'] input[name=name]").send_keys("Pricing, due first")
    driver.find_element(By.XPATH, "//button[normalize-space()='Save view']").click()
    notice(driver, "View 'Pricing, due first' saved")
    driver.find_element(By.LINK_TEXT, "My work").click()
    driver.find_element(By.LINK_TEXT, "Pricing, due first").click()
    WebDriverWait(driver, 30).until(EC.url_contains("sort=due"))
    assert Select(driver.find_element(By.NAME, "sort")).first_selected_option.get_attribute("value") == "due"
    return taken


def ask_for_override(driver):
    """On the first pricing case, asks for a price 5% over the contract: above the policy's
    3% threshold, so it waits for a pricing approver."""
    driver.find_element(By.LINK_TEXT, "Pricing").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "tbody a[href^='/console/cases/']")))
    driver.find_element(By.CSS_SELECTOR, "tbody a[href^='/console/cases/']").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.exception")))
    summary = driver.find_element(By.XPATH, "//summary[normalize-space()='Override price']")
    summary.click()
    form = summary.find_element(By.XPATH, "./following-sibling::form")
    price = form.find_element(By.NAME, "unitPrice")
    contract = float(price.get_attribute("value"))
    price.clear()
    price.send_keys(f"{contract * 1.05:.2f}")
    form.find_element(By.XPATH, ".//button[normalize-space()='Ask for it']").click()
    return notice(driver, "waits for pricing_approver approval")


def approve_from_inbox(driver, shots):
    driver.find_element(By.LINK_TEXT, "Approvals").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.approval")))
    card = driver.find_element(By.CSS_SELECTOR, "section.approval")
    text = card.text
    assert "tier" in text and "against contract" in text and "Asked by agent" in text and "waiting" in text, text
    assert len(card.find_elements(By.NAME, "reason")) == 1, "one reason field per request"
    assert "{}" not in text, "no raw parameter JSON on the approvals page"
    driver.save_screenshot(os.path.join(shots, "approvals.png"))
    card.find_element(By.NAME, "reason").send_keys("Agreed with the buyer for this order only")
    card.find_element(By.XPATH, ".//button[normalize-space()='Approve']").click()
    return notice(driver, "is now")


def main():
    base, agent_password, viewer_password, shots, approver_password = sys.argv[1:6]
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
        taken = get_next_and_saved_view(driver, shots)
        asked = ask_for_override(driver)
        driver.find_element(By.LINK_TEXT, "Workload").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "ppl-h")))
        assert "dana" in driver.find_element(By.TAG_NAME, "main").text.lower(), "the demo's desk must show on the Workload page"
        driver.save_screenshot(os.path.join(shots, "workload.png"))
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
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "username")))
        sign_in(driver, base, "approver", approver_password)
        decided = approve_from_inbox(driver, shots)
        print(f"console browser test passed: open exceptions {before} -> {after}, {taken}; {asked}; {decided}; "
              f"viewer refused ({status}), insights opened {opened}, classifier serving")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
