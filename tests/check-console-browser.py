#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The office console in a real browser: Debian's headless chromium, driven by
python3-selenium through chromium-driver, against the real xuncha-office over HTTPS on
loopback with the demo streets and reports sent as a device sends them (the API, a real
JPEG) and an MBTiles base map. A new dispatcher logs in with the one-time password, chooses
his own, filters today's stall reports on 陈寿路 (the dates typed as the fields say, not the
browser's pickers), sees them on the map over the office's base map tiles, opens one and sees
its photo, files it as a case with its deadline, dispatches it, extends its deadline (the
fields checked in Chinese and in English), asks for a check, which the officer's device
answers (the real device API), closes it, and prints the weekly report (A4), its charts
readable on the phone and on paper. An administrator then adds an officer, prints his
enrollment card, and gives him two street segments by clicking them on the map; the officer's
device is assigned exactly those. Screenshots go to BUILD_DIR/screenshots/console-*.png
(360×720 and 1280 wide, zh_CN).

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
import math
import os
import shutil
import sqlite3
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib

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

def png_tile(colour, line):
    """A real 256 × 256 PNG: @colour with a grid of @line every 32 pixels."""
    rows = []
    for y in range(256):
        row = bytearray([0])
        for x in range(256):
            row += bytes(line if x % 32 == 0 or y % 32 == 0 else colour)
        rows.append(bytes(row))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


# The office's base map: an MBTiles file (TMS rows, counted from the south) of the tiles
# around the demo street at zooms 15 to 17.
basemap = os.path.join(work, "basemap.mbtiles")
with sqlite3.connect(basemap) as db:
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
               "tile_data BLOB)")
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [
        ("name", "demo district"), ("format", "png"), ("minzoom", "15"), ("maxzoom", "17"),
        ("attribution", "Demo survey <b>not markup</b>")])
    tile = png_tile((236, 229, 206), (205, 196, 170))
    for zoom in (15, 16, 17):
        n = 1 << zoom
        x = int((106.0852 + 180.0) / 360.0 * n)
        lat = math.radians(30.7890)
        y = int((1.0 - math.log(math.tan(lat) + 1.0 / math.cos(lat)) / math.pi) / 2.0 * n)
        for dx in range(-3, 4):
            for dy in range(-4, 5):
                db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                           (zoom, x + dx, n - 1 - (y + dy), tile))
db.close()

office("streets", "import", os.path.join(source_dir, "data", "demo", "streets.geojson"))
one_time = office("staff", "add", "wangfang", "--role", "dispatcher").strip().splitlines()[-1]
admin_one_time = office("staff", "add", "zhaoli", "--role", "admin").strip().splitlines()[-1]
code = office("officer", "add", "P-017", "--name", "李强", "--team", "一中队").strip()
code = code.splitlines()[-1]

server = subprocess.Popen([office_program, "serve", "--data-dir", data_dir, "--listen",
                           "127.0.0.1:0", "--tls-cert", os.path.join(work, "server.pem"),
                           "--tls-key", os.path.join(work, "server.key"), "--workers", "2",
                           "--basemap", basemap],
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

    # Today's stall reports on 陈寿路, the dates typed as the fields say, in Chinese.
    today = datetime.date.today().isoformat()
    for field, value in (("filter-from", today), ("filter-to", today)):
        element = driver.find_element(By.ID, field)
        label = element.find_element(By.XPATH, "./ancestor::label")
        check(element.get_attribute("type") == "text" and "年-月-日" in label.text and
              element.get_attribute("placeholder") == today,
              "the date field %s does not say its format in Chinese: %s %r" % (
                  field, element.get_attribute("type"), label.text))
        element.send_keys(value)
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
    # The office's base map under the streets: its tiles from the office itself.
    try:
        WebDriverWait(driver, 15).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#map img.leaflet-tile-loaded"))
    except Exception:
        pass
    tiles = driver.find_elements(By.CSS_SELECTOR, "#map img.leaflet-tile-loaded")
    check(len(tiles) >= 2, "the base map's tiles did not load: %d" % len(tiles))
    check(all(t.get_attribute("src").startswith(base + "/console/tiles/") for t in tiles),
          "a tile from elsewhere than the office")
    check(driver.execute_script("return arguments[0].naturalWidth", tiles[0]) == 256,
          "a tile is not a 256-pixel image")
    attribution = driver.find_element(By.CSS_SELECTOR, ".leaflet-control-attribution")
    check("Demo survey <b>not markup</b>" in attribution.text and
          not attribution.find_elements(By.TAG_NAME, "b"),
          "the base map's attribution is not shown as text: " + attribution.text)
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

    # The officer's day: a shift his device sent along 滨江南路 (BJNL-01 to -04) with
    # twelve minutes without positions in the middle, against his assigned BJNL-01 to -06.
    office_assign = ["officer", "assign", "P-017"] + ["BJNL-%02d" % i for i in range(1, 7)]
    office(*office_assign)
    way = [(106.0946406, 30.787765), (106.0948498, 30.790026), (106.0950589, 30.7922869),
           (106.0951635, 30.7936434), (106.0952681, 30.795)]
    shift_id = str(uuid.uuid4())
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - \
        datetime.timedelta(minutes=50)
    api("PUT", "/api/v1/shifts/" + shift_id, json.dumps({
        "uuid": shift_id, "kind": "mid",
        "started_at": started.isoformat().replace("+00:00", "Z"),
        "ended_at": (started + datetime.timedelta(minutes=45)).isoformat().replace(
            "+00:00", "Z")}), "application/json", token)
    points = []
    t = int(started.timestamp() * 1000) + 60000
    seq = 0
    for leg in range(len(way) - 1):
        (x0, y0), (x1, y1) = way[leg], way[leg + 1]
        for k in range(40):
            f = k / 40.0
            seq += 1
            t += 5000
            if 70 <= seq < 80:
                continue
            stamp = t + (12 * 60000 if seq >= 80 else 0)
            points.append({"seq": seq, "t_ms": stamp, "lat": y0 + (y1 - y0) * f,
                           "lon": x0 + (x1 - x0) * f, "accuracy": 5.0})
    api("POST", "/api/v1/shifts/%s/points" % shift_id, json.dumps({"points": points}),
        "application/json", token)
    driver.get(base + "/console/officers/P-017/route")
    try:
        WebDriverWait(driver, 15).until(
            lambda d: d.find_element(By.ID, "route-map").get_attribute("data-loaded"))
    except Exception:
        pass
    check(driver.find_element(By.ID, "route-map").get_attribute("data-loaded"),
          "the route map did not load: " + driver.find_element(By.ID, "map-status").text)
    walked = driver.find_elements(By.CSS_SELECTOR, "#route-map path.segment-walked")
    missed = driver.find_elements(By.CSS_SELECTOR, "#route-map path.segment-missed")
    check(len(walked) == 4 and len(missed) == 2,
          "expected 4 walked and 2 missed segments, got %d and %d" % (len(walked), len(missed)))
    check(driver.find_elements(By.CSS_SELECTOR, "#route-map path.track-gap"), "no gap drawn")
    labels = driver.find_elements(By.CSS_SELECTOR, "#route-map .segment-label")
    check(len(labels) == 1 and labels[0].text == "滨江南路",
          "the assigned street's name is not on the map: %r" % [l.text for l in labels])
    check("分钟无定位" in driver.find_element(By.CSS_SELECTOR, "section.shift").text,
          "the shift's gap is not in its summary")
    shot("route")
    driver.execute_script("arguments[0].scrollIntoView()",
                          driver.find_element(By.ID, "route-map"))
    shot("route-map")
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

    # He files it as a case: accepted, then filed with its deadline from the stall's limit.
    def step(action, fields=None):
        form = driver.find_elements(By.ID, "step-" + action)
        check(len(form) == 1, "no %s step on the page: %s" % (action, driver.find_element(
            By.ID, "case").text))
        for name, value in (fields or {}).items():
            driver.find_element(By.ID, "%s-%s" % (action, name)).send_keys(value)
        driver.execute_script("arguments[0].scrollIntoView()", form[0])
        driver.find_element(By.ID, "case-" + action).click()
        WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("#case"))
        check(driver.current_url.endswith("/console/reports/%s#case" % wanted),
              "the %s step did not come back to the report: %s" % (action, driver.title))

    def status():
        return driver.find_element(By.ID, "case-status").text

    def device_status():
        answer = api("GET", "/api/v1/reports?since=0", None, "application/json", token)
        return {r["uuid"]: r["case_status"] for r in answer["reports"]}.get(wanted)

    check(status() == "上报", "a new report's case is not 上报: " + status())
    step("accept")
    check(status() == "受理", "not accepted: " + status())
    step("file")
    check(status() == "立案", "not filed: " + status())
    deadline = driver.find_element(By.ID, "case-deadline").text
    check("剩余" in deadline, "no countdown on the filed case: " + deadline)
    check(device_status() == "立案", "the device does not see 立案: %s" % device_status())
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, "case"))
    shot("case-filed")
    driver.get(base + "/console/reports")
    link = driver.find_element(By.CSS_SELECTOR, "a[href='/console/reports/%s']" % wanted)
    row = link.find_element(By.XPATH, "./ancestor::tr")
    check("剩余" in row.find_element(By.CSS_SELECTOR, "td.deadline").text,
          "no countdown in the list: " + row.text)
    driver.execute_script("arguments[0].scrollIntoView()",
                          driver.find_element(By.CSS_SELECTOR, "table.reports"))
    shot("reports-deadline")
    driver.get(base + "/console/reports/" + wanted)

    # Dispatched to the team, and a check asked of the reporting officer.
    step("dispatch", {"assignee": "一中队"})
    check(status() == "派遣", "not dispatched: " + status())
    check(driver.find_element(By.ID, "case-assignee").text == "一中队", "no assignee")

    # The deadline extended, its date and time typed as the fields say in the console's
    # language (not the browser's pickers), in Chinese and then in English.
    def deadline_fields():
        date = driver.find_element(By.ID, "extend-deadline-date")
        time_field = driver.find_element(By.ID, "extend-deadline-time")
        return (date, date.find_element(By.XPATH, "./ancestor::label").text,
                time_field, time_field.find_element(By.XPATH, "./ancestor::label").text)

    date, date_label, time_field, time_label = deadline_fields()
    check(date.get_attribute("type") == "text" and time_field.get_attribute("type") == "text",
          "the deadline's fields are the browser's pickers")
    check("日期" in date_label and "年-月-日" in date_label and "时间" in time_label and
          "时:分" in time_label, "the deadline's fields are not in Chinese: %r %r" % (
              date_label, time_label))
    driver.get(base + "/console/reports/%s?lang=en" % wanted)
    date, date_label, time_field, time_label = deadline_fields()
    check("Date" in date_label and "year-month-day" in date_label and "Time" in time_label and
          "hours:minutes" in time_label, "the deadline's fields are not in English: %r %r" % (
              date_label, time_label))
    driver.execute_script("arguments[0].scrollIntoView()",
                          driver.find_element(By.ID, "step-extend"))
    shot("case-extend-en")
    driver.get(base + "/console/reports/%s?lang=zh_CN" % wanted)
    later = (datetime.date.today() + datetime.timedelta(days=9)).isoformat()
    date, date_label, time_field, time_label = deadline_fields()
    date.send_keys(later)
    time_field.send_keys("17:30")
    driver.find_element(By.ID, "extend-note").send_keys("雨天延期")
    driver.execute_script("arguments[0].scrollIntoView()",
                          driver.find_element(By.ID, "step-extend"))
    shot("case-extend")
    driver.find_element(By.ID, "case-extend").click()
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("#case"))
    deadline = driver.find_element(By.ID, "case-deadline").text
    check(later in deadline and "17:30" in deadline, "the deadline was not extended to %s "
          "17:30: %s" % (later, deadline))
    check(status() == "派遣", "extending moved the case: " + status())
    step("request_check", {"assignee": "P-017", "note": "请核查是否已清理"})
    check(status() == "待核查", "no check asked: " + status())
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, "case"))
    shot("case-check")

    # The officer's device finds the check task and answers: fixed.
    tasks = api("GET", "/api/v1/tasks?since=0", None, "application/json", token)["tasks"]
    checks = [t for t in tasks if t["kind"] == "check" and t["report_uuid"] == wanted]
    check(len(checks) == 1, "the device has no check task: %r" % tasks)
    api("PUT", "/api/v1/tasks/%s/result" % checks[0]["id"], json.dumps({
        "task_id": checks[0]["id"], "result_uuid": str(uuid.uuid4()), "outcome": "fixed",
        "category": None, "report_uuids": [], "note": "已清理", "position": None,
        "shift_uuid": None,
        "done_at": datetime.datetime.now(datetime.timezone.utc).replace(
            microsecond=0).isoformat().replace("+00:00", "Z")}), "application/json", token)
    driver.get(base + "/console/reports/" + wanted)
    check(status() == "待结案", "the check's result did not come in: " + status())

    # He closes it.
    step("close")
    check(status() == "结案", "not closed: " + status())
    check(device_status() == "结案", "the device does not see 结案: %s" % device_status())
    history = driver.find_elements(By.CSS_SELECTOR, "#case-history li")
    # Received, accept, file, dispatch, extend, request check, the check's result, close.
    check(len(history) == 8, "the history lacks steps: %d" % len(history))
    check("核查结果" in history[6].text and "P-017" in history[6].text,
          "the check's result is not in the history: " + history[6].text)
    check(not driver.find_elements(By.CSS_SELECTOR, ".case-step"), "steps after closing")
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, "case"))
    shot("case-closed")
    # Its evidence: sent by the device API without manifests, so not signed.
    evidence = driver.find_element(By.ID, "evidence-status")
    check("未签名" in evidence.text, "the evidence says " + evidence.text)
    driver.execute_script("arguments[0].scrollIntoView()", evidence)
    shot("report-evidence")
    # The categories' time limits, as a dispatcher reads them from the navigation.
    driver.find_element(By.LINK_TEXT, "处置时限").click()
    wait_for("/console/time-limits")
    check("暴露垃圾" in driver.page_source and "1 个工作日" in driver.page_source,
          "the time limits page lacks 暴露垃圾's one work day")
    shot("time-limits")
    driver.get(base + "/console/reports/" + wanted)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(1280, 900)
    driver.execute_script("window.scrollTo(0, 0)")
    shot("report-wide")
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, "case"))
    shot("case-wide")

    # The weekly report from the navigation, as the page and as printed on A4.
    driver.find_element(By.ID, "nav-weekly").click()
    wait_for("/console/weekly")
    week = driver.find_element(By.ID, "week")
    week_label = week.find_element(By.XPATH, "./ancestor::label").text
    this_week = "%04d-W%02d" % datetime.date.today().isocalendar()[:2]
    check(week.get_attribute("type") == "text" and week.get_attribute("value") == this_week
          and "年-W周数" in week_label, "the week field is not written %s with its format in "
          "Chinese: %s %r" % (this_week, week.get_attribute("type"), week_label))
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

    # The charts read on the phone: every label and number at 11 pixels or more as drawn,
    # and none cut off at the chart's edges.
    def chart_text():
        return driver.execute_script("""
            const found = [];
            for (const svg of document.querySelectorAll("svg.bars")) {
              const box = svg.getBoundingClientRect();
              const scale = box.width / svg.viewBox.baseVal.width;
              for (const text of svg.querySelectorAll("text")) {
                const r = text.getBoundingClientRect();
                found.push({ chart: svg.id, text: text.textContent,
                             px: parseFloat(text.getAttribute("font-size")) * scale,
                             inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 });
              }
            }
            return found;""")

    texts = chart_text()
    check(texts, "no chart text at all")
    small = [t for t in texts if t["px"] < 11]
    check(not small, "chart text too small on a phone: %r" % small[:3])
    cut = [t for t in texts if not t["inside"]]
    check(not cut, "chart text cut off on a phone: %r" % cut[:3])
    # The case closed above, within its time limit, in its team's row and its bar.
    cases = driver.find_element(By.ID, "weekly-case-teams")
    check(cases.text.split("\n")[-1].split() == ["一中队", "1", "0", "0"],
          "the weekly case figures by team say " + cases.text)
    check(driver.find_elements(By.CSS_SELECTOR, "svg#chart-case-teams rect"),
          "no bar chart of the case figures")
    driver.execute_script("arguments[0].scrollIntoView()",
                          driver.find_element(By.ID, "chart-case-categories"))
    shot("weekly-cases")
    # The team's coverage of its assigned segments: the route above walked four of the six
    # (unless that shift began in last week, just after a Monday's midnight).
    if started.astimezone().isocalendar()[:2] == datetime.datetime.now().isocalendar()[:2]:
        coverage = driver.find_element(By.ID, "weekly-coverage-officers").text
        check("李强" in coverage and "4 / 6" in coverage,
              "the weekly coverage by officer says " + coverage)
        check(driver.find_elements(By.CSS_SELECTOR, "svg#chart-coverage-teams rect"),
              "no bar chart of the coverage")
    driver.execute_script("arguments[0].scrollIntoView()",
                          driver.find_element(By.ID, "weekly-coverage-officers"))
    shot("weekly-coverage")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    check(not driver.find_element(By.TAG_NAME, "header").is_displayed(),
          "the navigation is printed")
    shot("weekly-print")
    # On paper the charts have a width of their own: their text as large as the tables'.
    small = [t for t in chart_text() if t["px"] < 12]
    check(not small, "chart text too small in print: %r" % small[:3])
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True,
                                                     "printBackground": True})
    pdf = base64.b64decode(pdf["data"])
    with open(os.path.join(screenshots, "console-weekly.pdf"), "wb") as f:
        f.write(pdf)
    # A4 is 595 × 842 points; Chromium writes 594.96 × 841.92.
    check(pdf.startswith(b"%PDF") and b"/MediaBox [0 0 594.9" in pdf and b" 841.9" in pdf,
          "the weekly report does not print on A4")

    # The administrator adds an officer, prints his enrollment card, and gives him two
    # street segments by clicking them on the map; his device gets them.
    phone = {"width": 360, "height": 720, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    driver.delete_all_cookies()
    driver.get(base + "/console/login")
    driver.find_element(By.ID, "name").send_keys("zhaoli")
    driver.find_element(By.ID, "password").send_keys(admin_one_time)
    driver.find_element(By.ID, "login").click()
    wait_for("/console/password")
    driver.find_element(By.ID, "current").send_keys(admin_one_time)
    driver.find_element(By.ID, "new").send_keys("管理员密码2024!")
    driver.find_element(By.ID, "repeat").send_keys("管理员密码2024!")
    driver.find_element(By.ID, "change").click()
    wait_for("/console/reports")
    driver.find_element(By.ID, "nav-officers").click()
    wait_for("/console/officers")
    check("执法队员" in driver.title, "the officers page is not in Chinese: " + driver.title)
    check(driver.find_elements(By.CSS_SELECTOR, "tr[data-officer='P-017']"),
          "P-017 is not listed")
    driver.find_element(By.ID, "officer-id").send_keys("P-021")
    driver.find_element(By.ID, "officer-name").send_keys("张伟")
    driver.find_element(By.ID, "officer-team").send_keys("一中队")
    driver.execute_script("arguments[0].scrollIntoView()",
                          driver.find_element(By.ID, "add-officer"))
    shot("officers-add")
    driver.find_element(By.ID, "add-officer").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "enroll-code"))
    officer_code = driver.find_element(By.ID, "enroll-code").text
    check(driver.find_elements(By.CSS_SELECTOR, "#enroll-card svg.qr"), "no QR code on the card")
    check("张伟" in driver.find_element(By.ID, "enroll-card").text, "the card lacks the name")
    shot("officer-card")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    check(not driver.find_element(By.TAG_NAME, "header").is_displayed()
          and not driver.find_element(By.ID, "card-message").is_displayed(),
          "more than the card is printed")
    shot("officer-card-print")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    officer_token = api("POST", "/api/v1/enroll", json.dumps({
        "officer_id": "P-021", "code": officer_code, "device_name": "browser test 2"}),
        "application/json")["token"]

    driver.find_element(By.LINK_TEXT, "返回执法队员列表").click()
    wait_for("/console/officers")
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-officer='P-021']")
    check("已注册" in row.text, "P-021 is not shown enrolled: " + row.text)
    row.find_element(By.CSS_SELECTOR, "a.segments").click()
    wait_for("/segments")
    try:
        WebDriverWait(driver, 15).until(
            lambda d: d.find_element(By.ID, "segment-map").get_attribute("data-loaded"))
    except Exception:
        pass
    check(driver.find_element(By.ID, "segment-map").get_attribute("data-loaded"),
          "the segments map did not load: " + driver.find_element(By.ID, "map-status").text)
    segments = driver.find_elements(By.CSS_SELECTOR, "#segment-map path.segment")
    check(len(segments) >= 2, "fewer than two segments on the map: %d" % len(segments))
    chosen = [segments[0].get_attribute("data-segment"), segments[1].get_attribute("data-segment")]
    for path in segments[:2]:
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', "
                              "{bubbles: true}))", path)
    check(driver.find_element(By.ID, "chosen-count").text == "2",
          "two clicks did not choose two segments: " +
          driver.find_element(By.ID, "chosen-count").text)
    listed = driver.find_element(By.ID, "chosen-segments").text
    check(" 段" in listed and "·" in listed, "the chosen segments are not listed: " + listed)
    shot("officer-segments")
    driver.execute_script("arguments[0].scrollIntoView()",
                          driver.find_element(By.ID, "save-segments"))
    driver.find_element(By.ID, "save-segments").click()
    wait_for("saved=1")
    check(driver.find_elements(By.ID, "segments-saved"), "no word that the segments were saved")
    check(driver.find_element(By.ID, "chosen-count").text == "2", "the saved page lost them")
    me = api("GET", "/api/v1/me", None, "application/json", officer_token)
    check(sorted(me["assigned_streets"]) == sorted(chosen),
          "the device is assigned %r, not %r" % (me["assigned_streets"], chosen))
    shot("officer-segments-saved")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(1280, 900)
    driver.refresh()
    try:
        WebDriverWait(driver, 15).until(
            lambda d: d.find_element(By.ID, "segment-map").get_attribute("data-loaded"))
    except Exception:
        pass
    shot("officer-segments-wide")
    driver.find_element(By.ID, "nav-officers").click()
    wait_for("/console/officers")
    shot("officers-wide")
    print("ok: logged in, changed the password, filtered, saw the map, opened the report, "
          "saw the photo, filed it as a case, dispatched it, had it checked, closed it, "
          "printed the weekly report, added an officer with his card and gave him two "
          "segments on the map")
finally:
    if driver is not None:
        driver.quit()
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)
