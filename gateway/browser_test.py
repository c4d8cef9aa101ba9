#!/usr/bin/env python3
"""Opens the dossier page in Debian's headless Chromium and checks what a
person would see: the 2024 state visit on the timeline, the 2023 trade figure
with its stated +32% and the finding that it cannot be confirmed, and a search
for "wind farm" leading to the Zhanatas project. Saves a screenshot of each
step (desktop and phone widths) for a reviewer.

  browser_test.py --url http://127.0.0.1:PORT --api-key KEY --screenshots DIR
"""
import argparse
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class Check:
    def __init__(self):
        self.failures = []

    def __call__(self, what, ok, detail=""):
        print(f"browser: {'ok' if ok else 'FAILED'}: {what}" + ("" if ok else f": {detail}"))
        if not ok:
            self.failures.append(what)


def driver(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={width},{height}", "--lang=en-US"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def text_of(browser, selector):
    return " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, selector))


def run(args, check):
    os.makedirs(args.screenshots, exist_ok=True)
    shot = lambda browser, name: browser.save_screenshot(os.path.join(args.screenshots, name))
    wait_seconds = 60  # a slow, shared machine; nothing asserts on time

    browser = driver(1280, 2400)
    try:
        wait = WebDriverWait(browser, wait_seconds)
        browser.get(f"{args.url}/relationships/CN-KZ")
        # The server requires a key: the page says so and asks for one.
        wait.until(lambda b: "error" in b.find_element(By.ID, "status").get_attribute("class"))
        check("without a key the page reports the refusal",
              "key" in browser.find_element(By.ID, "status").text.lower() or
              "unauthenticated" in browser.find_element(By.ID, "status").text.lower(),
              browser.find_element(By.ID, "status").text)
        check("the key box opens", browser.find_element(By.ID, "key-box").get_attribute("open") is not None)
        browser.find_element(By.ID, "key-input").send_keys(args.api_key)
        browser.find_element(By.CSS_SELECTOR, "#key-form button").click()
        wait.until(ec.visibility_of_element_located((By.ID, "dossier")))
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#entries > li"))

        level = browser.find_element(By.ID, "level").text
        check("the partnership level", "Partnership" in level and "since" in level, level)
        check("the milestones are listed", len(browser.find_elements(By.CSS_SELECTOR, "#milestones li")) > 0)

        visit_items = browser.find_elements(By.CSS_SELECTOR, "#entries > li[data-kind='TIMELINE_ENTRY_KIND_VISIT']")
        visits = [e.text for e in visit_items]
        visit_2024 = [e for e in visit_items if e.text.startswith("2024")]
        check("the 2024 state visit is on the timeline", bool(visit_2024), visits)
        quotes = visit_2024[0].find_elements(By.CSS_SELECTOR, ".citations q") if visit_2024 else []
        sources = visit_2024[0].find_elements(By.CSS_SELECTOR, ".citations cite") if visit_2024 else []
        check("the 2024 visit shows its quotes and sources",
              bool(quotes) and bool(sources) and all(q.text for q in quotes), visits[:3])

        rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#trade-table tbody tr")]
        row_2023 = [r for r in rows if r.startswith("2023") and "total" in r]
        check("the 2023 trade figure is in the table", bool(row_2023), rows)
        check("its stated change is +32%", bool(row_2023) and "+32%" in row_2023[0], row_2023)
        check("it is marked as not confirmable", bool(row_2023) and "cannot be confirmed" in row_2023[0], row_2023)
        chart = text_of(browser, "#trade-chart svg")
        check("the chart shows stated +32% beside the computed change",
              "+32%" in chart and "not computable" in chart, chart)
        findings = text_of(browser, "#finding-list li")
        check("the finding about the 2023 growth is listed with what would close it",
              "32" in findings and "Would close when" in findings, findings)
        shot(browser, "dossier-cn-kz.png")

        # Filtering the timeline by kind.
        total = len(browser.find_elements(By.CSS_SELECTOR, "#entries > li"))
        for box in browser.find_elements(By.CSS_SELECTOR, "#kinds input"):
            if box.get_attribute("value") != "TIMELINE_ENTRY_KIND_VISIT":
                box.click()
        kinds = {e.get_attribute("data-kind") for e in browser.find_elements(By.CSS_SELECTOR, "#entries > li")}
        check("filtering the timeline to visits shows only visits",
              kinds == {"TIMELINE_ENTRY_KIND_VISIT"} and len(visits) < total, (kinds, total))
        shot(browser, "timeline-visits.png")

        # Search.
        box = browser.find_element(By.ID, "search-input")
        box.send_keys("wind farm")
        browser.find_element(By.CSS_SELECTOR, "#search-form button").click()
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#results li button"))
        results = browser.find_elements(By.CSS_SELECTOR, "#results li button")
        names = [r.text for r in results]
        check("searching 'wind farm' finds the Zhanatas project",
              "infrastructureProjects/zhanatas-wind-farm" in names, names)
        marked = text_of(browser, "#results mark").lower()
        check("the matched words are marked", "wind" in marked, marked)
        for result in results:
            if result.text == "infrastructureProjects/zhanatas-wind-farm":
                result.click()
                break
        wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#record h3")))
        title = browser.find_element(By.CSS_SELECTOR, "#record h3").text
        check("the result opens the Zhanatas project", "Zhanatas" in title, title)
        details = text_of(browser, "#record dl")
        check("the project's fields are shown", "WIND_FARM" in details and "[object" not in details, details)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check("no horizontal scrolling with a record open", overflow <= 0, f"{overflow}px wider")
        browser.execute_script("document.getElementById('search-results').scrollIntoView()")
        shot(browser, "search-wind-farm.png")
        key = browser.execute_script("return sessionStorage.getItem('bilateral.apiKey')")
        check("the key stays in this tab's session storage", key == args.api_key)
        check("the key is not in the page", args.api_key not in browser.page_source)
    finally:
        browser.quit()

    # A phone: the same page at 390 px wide, no horizontal scrolling.
    phone = driver(390, 1600)
    try:
        wait = WebDriverWait(phone, wait_seconds)
        phone.get(f"{args.url}/")
        phone.execute_script("sessionStorage.setItem('bilateral.apiKey', arguments[0])", args.api_key)
        phone.get(f"{args.url}/relationships/KZ-CN")
        wait.until(ec.visibility_of_element_located((By.ID, "dossier")))
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#entries > li"))
        check("a reversed pair opens under its canonical name",
              phone.current_url.endswith("/relationships/CN-KZ"), phone.current_url)
        overflow = phone.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check("readable on a phone: no horizontal scrolling", overflow <= 0, f"{overflow}px wider")
        shot(phone, "dossier-phone.png")
    finally:
        phone.quit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    check = Check()
    run(args, check)
    if check.failures:
        print(f"browser: {len(check.failures)} checks failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
