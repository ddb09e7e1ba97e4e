"""Single sign-on in a real browser (headless Chromium through Selenium).

Clearway runs with single sign-on through a real OpenID provider (oidc-provider-mock) and
local passwords off. The person opens the console, is sent to the sign-in page, which
offers single sign-on only; signs in at the provider; lands signed in on the console with
the role their group maps to; signs out, and is sent to the provider's end-session page
(RP-initiated logout) and back to Clearway's sign-in page.

Run by SingleSignOnBrowserTests (swift test), which starts both:
  python sso_test.py CLEARWAY_URL PROVIDER_URL SCREENSHOT_DIR
"""
import json
import sys
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from console_test import browser


def main(base, provider, shots):
    claims = {"email": "sam@example.com", "name": "Sam Supervisor", "preferred_username": "sam", "groups": ["clearway-supervisors"]}
    request = urllib.request.Request(provider + "/users/sam", data=json.dumps(claims).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    assert urllib.request.urlopen(request).status == 204
    driver = browser()
    try:
        wait = WebDriverWait(driver, 30)
        driver.get(base + "/console")
        wait.until(EC.presence_of_element_located((By.ID, "sso")))
        assert "/console/login" in driver.current_url, driver.current_url
        assert not driver.find_elements(By.ID, "password"), "local passwords are off: no password field"
        driver.find_element(By.ID, "sso").click()
        wait.until(EC.presence_of_element_located((By.NAME, "sub")))
        assert driver.current_url.startswith(provider + "/oauth2/authorize"), driver.current_url
        driver.find_element(By.NAME, "sub").send_keys("sam")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-kpi='Open exceptions']")))
        assert driver.current_url.rstrip("/").endswith("/console"), driver.current_url
        assert "Sam Supervisor" in driver.page_source
        driver.save_screenshot(shots + "/sso-signed-in.png")
        driver.get(base + "/console/deliveries")   # a supervisor's page
        wait.until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
        assert "Not allowed" not in driver.page_source and "may not" not in driver.page_source, driver.page_source[:500]
        driver.find_element(By.CSS_SELECTOR, "form.who button").click()
        try:
            wait.until(lambda d: d.current_url.startswith(provider + "/oauth2/end_session"))
        except Exception:
            raise AssertionError("signing out did not reach the provider's end-session page: " + driver.current_url
                                 + "\n" + driver.page_source[:1500])
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.presence_of_element_located((By.ID, "sso")))
        assert "/console/login" in driver.current_url, driver.current_url
        driver.get(base + "/console")
        wait.until(EC.presence_of_element_located((By.ID, "sso")))
        print("single sign-on in the browser: signed in through the provider and out again")
    finally:
        driver.quit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
