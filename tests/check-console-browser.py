#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The office console in a real browser: Debian's headless chromium, driven by
python3-selenium through chromium-driver, against the real xuncha-office over HTTPS on
loopback with the demo streets and reports sent as a device sends them (the API, a real
JPEG). A new dispatcher logs in with the one-time password, chooses his own, filters
today's stall reports on 陈寿路, sees them on the map, opens one and sees its photo, and prints the weekly
report (A4). Screenshots go to
BUILD_DIR/screenshots/console-*.png (360×720, zh_CN).

The browser trusts the office's certificate by its public key (a pin of the test's own
key, --ignore-certificate-errors-spki-list): no certificate check is switched off for any
other key.

Usage: check-console-browser.py OFFICE_PROGRAM SOURCE_DIR BUILD_DIR
Exit 77 (skipped) with the reason when chromium, chromium-driver or selenium is missing."""

import base64
import datetime
import hashlib
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import uuid

office_program, source_dir, build_dir = sys.argv[1:4]

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError as e:
    print("skipped: python3-selenium is not installed (%s)" % e)
    sys.exit(77)
chromium = shutil.which("chromium")
driver_path = shutil.which("chromedriver")
if chromium is None or driver_path is None:
    print("skipped: chromium or chromium-driver is not installed")
    sys.exit(77)

screenshots = os.path.join(build_dir, "screenshots")
os.makedirs(screenshots, exist_ok=True)
work = tempfile.mkdtemp(prefix="xuncha-console-browser-")
data_dir = os.path.join(work, "office")
os.makedirs(data_dir)
env = dict(os.environ)
env["XUNCHA_OFFICE_CONSOLE_DIR"] = os.path.join(source_dir, "data", "console")
env["XUNCHA_OFFICE_LOCALE_DIR"] = os.path.join(build_dir, "po")


def office(*args):
    r = subprocess.run([office_program] + list(args) + ["--data-dir", data_dir], env=env,
                       capture_output=True, text=True, check=True)
    return r.stdout


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, cwd=work)


# A CA and a certificate for 127.0.0.1 signed by it.
openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=Xuncha test CA")
openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1")
with open(os.path.join(work, "ext.cnf"), "w") as f:
    f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
            "extendedKeyUsage=serverAuth\n")
openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
spki = subprocess.run("openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin "
                      "-outform der | openssl dgst -sha256 -binary | base64", shell=True,
                      cwd=work, capture_output=True, text=True, check=True).stdout.strip()

office("streets", "import", os.path.join(source_dir, "data", "demo", "streets.geojson"))
one_time = office("staff", "add", "wangfang", "--role", "dispatcher").strip().splitlines()[-1]
code = office("officer", "add", "P-017", "--name", "李强", "--team", "一中队").strip()
code = code.splitlines()[-1]

server = subprocess.Popen([office_program, "serve", "--data-dir", data_dir, "--listen",
                           "127.0.0.1:0", "--tls-cert", os.path.join(work, "server.pem"),
                           "--tls-key", os.path.join(work, "server.key"), "--workers", "2"],
                          env=env, stdout=subprocess.PIPE, text=True)
driver = None
try:
    line = server.stdout.readline()
    if not line.startswith("Listening on https://"):
        raise SystemExit("the office did not start: %r" % line)
    port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
    base = "https://127.0.0.1:%d" % port
    tls = ssl.create_default_context(cafile=os.path.join(work, "ca.pem"))

    def api(method, path, body, content_type, token=None):
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=tls)
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        if answer.status >= 300:
            raise SystemExit("%s %s: %d %s" % (method, path, answer.status, data[:300]))
        return json.loads(data) if data else None

    token = api("POST", "/api/v1/enroll", json.dumps({"officer_id": "P-017", "code": code,
                                                      "device_name": "browser test"}),
                "application/json")["token"]
    with open(os.path.join(source_dir, "tests", "fixtures", "sync-photo.jpg"), "rb") as f:
        photo = f.read()
    photo_sha = hashlib.sha256(photo).hexdigest()
    api("PUT", "/api/v1/photos/" + photo_sha, photo, "image/jpeg", token)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    reports = [
        ("09006", "CSL-01", "早市摊点占道 <script>alert(1)</script>", [photo_sha]),
        ("09006", "CSL-02", "水果摊占道", []),
        ("07003", "CSL-01", "另一类问题", []),
    ]
    wanted = None
    for category, street, note, photos in reports:
        report_id = str(uuid.uuid4())
        wanted = wanted or report_id
        api("PUT", "/api/v1/reports/" + report_id, json.dumps({
            "uuid": report_id, "created_at": now.isoformat().replace("+00:00", "Z"),
            "category": category, "fields": {}, "note": note,
            "position": {"lat": 30.7890, "lon": 106.0852, "accuracy": 5.0, "source": "gps"},
            "street": {"id": street, "offset_m": 80.0},
            "photos": [{"sha256": p, "role": "before"} for p in photos]}),
            "application/json", token)

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    options.add_argument("--headless=new")
    options.add_argument("--window-size=360,720")
    options.add_argument("--lang=zh-CN")
    options.add_argument("--user-data-dir=" + os.path.join(work, "chromium"))
    options.add_argument("--ignore-certificate-errors-spki-list=" + spki)
    options.add_argument("--disable-gpu")
    options.add_argument("--disable-dev-shm-usage")
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    if os.geteuid() == 0:
        # Chromium's sandbox refuses to run as root (a container's build user).
        options.add_argument("--no-sandbox")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    # Headless windows are at least 500 pixels wide: the phone's width is emulated.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 720, "deviceScaleFactor": 1,
                            "mobile": True})

    def shot(name):
        driver.save_screenshot(os.path.join(screenshots, "console-%s.png" % name))

    def wait_for(suffix):
        """A click's navigation is done when the address ends so (or 10 s have passed)."""
        try:
            WebDriverWait(driver, 10).until(lambda d: suffix in d.current_url)
        except Exception:
            pass

    def check(condition, what):
        if not condition:
            shot("failure")
            raise SystemExit("FAIL: " + what)

    # A new dispatcher opens the console: the login page, in Chinese.
    driver.get(base + "/console/")
    check(driver.current_url.endswith("/console/login"), "not sent to the login page")
    check("登录" in driver.title, "the login page is not in Chinese: " + driver.title)
    shot("login")
    driver.find_element(By.ID, "name").send_keys("wangfang")
    driver.find_element(By.ID, "password").send_keys(one_time)
    driver.find_element(By.ID, "login").click()
    wait_for("/console/password")

    # The one-time password must be changed first.
    check(driver.current_url.endswith("/console/password"), "no password change first")
    shot("password")
    driver.find_element(By.ID, "current").send_keys(one_time)
    driver.find_element(By.ID, "new").send_keys("陈寿路巡查2024!")
    driver.find_element(By.ID, "repeat").send_keys("陈寿路巡查2024!")
    driver.find_element(By.ID, "change").click()
    wait_for("/console/reports")
    check(driver.current_url.endswith("/console/reports"), "not on the list after the change")
    check(len(driver.get_cookies()) >= 1, "no session cookie")
    check(all(c.get("httpOnly") for c in driver.get_cookies() if c["name"] == "xuncha_session"),
          "the session cookie is readable by scripts")
    shot("reports")

    # Today's stall reports on 陈寿路.
    today = datetime.date.today().isoformat()
    for field, value in (("filter-from", today), ("filter-to", today)):
        element = driver.find_element(By.ID, field)
        driver.execute_script("arguments[0].value = arguments[1]", element, value)
    Select(driver.find_element(By.ID, "filter-category")).select_by_value("09006")
    driver.find_element(By.ID, "filter-street").send_keys("陈寿路")
    driver.find_element(By.ID, "filter").click()
    wait_for("street=")
    count = driver.find_elements(By.ID, "count")
    check(len(count) == 1, "the filtered list did not open: " + driver.title)
    count = count[0].text
    check(count.startswith("2 "), "expected 2 of today's stall reports on 陈寿路, got " + count)
    rows = driver.find_elements(By.CSS_SELECTOR, "table.reports tbody tr")
    check(len(rows) == 2, "expected 2 rows, got %d" % len(rows))
    check(all("陈寿路" in r.text for r in rows), "a row not on 陈寿路")
    check(not driver.find_elements(By.CSS_SELECTOR, "table.reports script"),
          "a device's note became a script")
    shot("filtered")

    # The same reports on the map: Leaflet from the office, the streets by class and a
    # marker per report, the note as text in its popup.
    driver.find_element(By.ID, "on-map").click()
    wait_for("/console/map")
    try:
        WebDriverWait(driver, 15).until(
            lambda d: d.find_element(By.ID, "map").get_attribute("data-loaded"))
    except Exception:
        pass
    check(driver.find_element(By.ID, "map").get_attribute("data-loaded"),
          "the map did not load its reports: " +
          driver.find_element(By.ID, "map-status").text)
    markers = driver.find_elements(By.CSS_SELECTOR, "#map path.report-marker")
    check(len(markers) == 2, "expected 2 report markers, got %d" % len(markers))
    lines = driver.find_elements(By.CSS_SELECTOR, "#map path.leaflet-interactive")
    check(len(lines) > len(markers), "no streets drawn on the map")
    driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', "
                          "{bubbles: true}))", markers[0])
    popups = driver.find_elements(By.CSS_SELECTOR, ".map-popup")
    check(len(popups) == 1, "a marker's popup did not open")
    check(not driver.find_elements(By.CSS_SELECTOR, ".map-popup script"),
          "a device's note became a script on the map")
    shot("map")
    driver.back()
    wait_for("street=")

    # Open the one with the photo: it shows, served only to this session.
    driver.find_element(By.CSS_SELECTOR, "a[href='/console/reports/%s']" % wanted).click()
    wait_for(wanted)
    check("<script>" in driver.find_element(By.ID, "report-note").text,
          "the note is not shown as text")
    check("陈寿路" in driver.find_element(By.ID, "report-street").text, "no street")
    check("gps" in driver.find_element(By.ID, "report-position").text, "no position source")
    image = driver.find_element(By.CSS_SELECTOR, "img.photo")
    loaded = False
    for _ in range(50):
        loaded = driver.execute_script("return arguments[0].complete && "
                                       "arguments[0].naturalWidth > 0", image)
        if loaded:
            break
        time.sleep(0.1)
    check(loaded, "the photo did not load")
    shot("report")
    driver.execute_script("arguments[0].scrollIntoView()", image)
    shot("report-photo")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(1280, 900)
    shot("report-wide")

    # The weekly report from the navigation, as the page and as printed on A4.
    driver.find_element(By.ID, "nav-weekly").click()
    wait_for("/console/weekly")
    total = driver.find_element(By.ID, "weekly-total").text
    check(total.startswith("本周上报 3 条"), "the weekly report counts " + total)
    streets = driver.find_element(By.ID, "weekly-streets").text
    check("陈寿路" in streets and "严管街" in streets, "陈寿路 is not among the strict streets")
    check(driver.find_elements(By.CSS_SELECTOR, "svg#chart-categories rect"),
          "no bar chart of the categories")
    shot("weekly")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 720, "deviceScaleFactor": 1,
                            "mobile": True})
    shot("weekly-phone")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    check(not driver.find_element(By.TAG_NAME, "header").is_displayed(),
          "the navigation is printed")
    shot("weekly-print")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True,
                                                     "printBackground": True})
    pdf = base64.b64decode(pdf["data"])
    with open(os.path.join(screenshots, "console-weekly.pdf"), "wb") as f:
        f.write(pdf)
    # A4 is 595 × 842 points; Chromium writes 594.96 × 841.92.
    check(pdf.startswith(b"%PDF") and b"/MediaBox [0 0 594.9" in pdf and b" 841.9" in pdf,
          "the weekly report does not print on A4")
    print("ok: logged in, changed the password, filtered, saw the map, opened the report, "
          "saw the photo, printed the weekly report")
finally:
    if driver is not None:
        driver.quit()
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)
