#!/usr/bin/env python3
"""The HTML map in a real browser: headless Chromium driven through ChromeDriver's W3C WebDriver protocol
(plain HTTP + JSON, Python's standard library only).

For each page (the bundled example planned, and a `check` of a VM whose GPU OVMF drops) it opens the file,
checks that the page rendered its map without a single browser console error, clicks a BAR (or the
unassigned GPU BAR) and checks the details panel names its owner, BDF, range and size, and saves
screenshots under --out for a person to look at.

Exit status: 0 pass, 1 fail, 77 skipped because Chromium or ChromeDriver is not installed (CTest's
SKIP_RETURN_CODE); CI installs both (scripts/install-deps.sh), so there it always runs.
"""
import argparse
import base64
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SKIPPED = 77
SOURCE = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
CHROMEDRIVER_CANDIDATES = ["/usr/bin/chromedriver"]
# Flags for a sandboxed CI machine with no network: no background fetches, no GPU, a fresh profile.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--force-device-scale-factor=1"]
WINDOW = {"width": 1600, "height": 1000}
README_WINDOW = {"width": 1600, "height": 1240}
STARTUP_SECONDS = 30

# The OVMF case from the golden tests: a 32 GiB GPU no longer fits OVMF's classic 32 GiB window.
OVMF_DROPS_GPU = ("-machine q35 -m 2G -nodefaults -cpu qemu64,vendor=GenuineIntel -bios OVMF.fd "
                  "-device pcie-root-port,id=rp,chassis=1,slot=1,addr=3 -device pci-testdev,id=gpu,membar=32G,bus=rp "
                  "-device pci-testdev,id=t1g,membar=1G,addr=4").split()


class WebDriver:
    """The few WebDriver commands the test needs (https://www.w3.org/TR/webdriver2/)."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            detail = json.loads(e.read() or b"{}").get("value", {})
            raise RuntimeError(f"{method} {path}: HTTP {e.code}: {detail.get('message', '').splitlines()[0][:1500]}") from None

    def start(self, chromium, profile):
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": CHROMIUM_FLAGS + [f"--user-data-dir={profile}"]},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        self.session = self.call("POST", "/session", caps)["sessionId"]
        self.s("POST", "/window/rect", WINDOW)

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def open(self, url):
        self.s("POST", "/url", {"url": url})

    def run(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        element = self.s("POST", "/element", {"using": "css selector", "value": css})
        return next(iter(element.values()))

    def click(self, element):
        self.s("POST", f"/element/{element}/click", {})

    def text(self, element):
        return self.s("GET", f"/element/{element}/text")

    def console_log(self):
        return self.s("POST", "/se/log", {"type": "browser"})

    def screenshot(self, path, element=None):
        data = self.s("GET", f"/element/{element}/screenshot" if element else "/screenshot")
        path.write_bytes(base64.b64decode(data))

    def quit(self):
        if self.session:
            try:
                self.call("DELETE", f"/session/{self.session}")
            except Exception:  # the browser may already be gone; the driver process is stopped next
                pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_existing(candidates, name):
    for c in candidates:
        if os.access(c, os.X_OK):
            return c
    return shutil.which(name)


def render(aperture, words, path):
    proc = subprocess.run([aperture] + words, capture_output=True, text=True, timeout=120)
    if proc.returncode not in (0, 1) or not proc.stdout.startswith("<!DOCTYPE html>"):
        raise RuntimeError(f"{' '.join(words)}: exit {proc.returncode}: {proc.stderr}")
    path.write_text(proc.stdout)


class Failures:
    def __init__(self):
        self.items = []

    def check(self, condition, what):
        print(("ok   " if condition else "FAIL ") + what)
        if not condition:
            self.items.append(what)


def check_page(driver, page, out, name, click_css, expect, find_text, failures):
    driver.open(page.as_uri())
    deadline = time.time() + STARTUP_SECONDS
    while driver.run("return document.readyState") != "complete" and time.time() < deadline:
        time.sleep(0.1)
    shown = driver.run("var s = document.querySelector('svg.aperture-map');"
                       "return s ? {bars: s.querySelectorAll('[data-kind=bar]').length, width: s.getBoundingClientRect().width} : null")
    failures.check(shown is not None and shown["width"] > 0, f"{name}: the map is rendered")
    failures.check(shown is not None and shown["bars"] > 0, f"{name}: the map has BARs ({shown and shown['bars']})")
    failures.check(driver.run("return document.getElementById('details-hint').hidden") is False,
                   f"{name}: the details panel starts with its hint")
    fetched = driver.run("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    failures.check(fetched == [], f"{name}: the page fetches nothing ({fetched})")
    driver.screenshot(out / f"{name}.png")

    driver.click(driver.find(click_css))
    details = driver.text(driver.find("#details-list"))
    for part in expect:
        failures.check(part in details, f"{name}: clicking {click_css} shows {part!r}")
    selected = driver.run("return document.querySelectorAll('.selected').length")
    failures.check(selected == 1, f"{name}: exactly the clicked region is highlighted ({selected})")
    driver.screenshot(out / f"{name}-clicked.png")
    driver.screenshot(out / f"{name}-map.png", driver.find("#map-pane"))

    found = driver.run("var f = document.getElementById('find'); f.value = arguments[0];"
                       "f.dispatchEvent(new Event('input')); return document.querySelectorAll('.match').length", find_text)
    failures.check(found >= 1, f"{name}: finding {find_text!r} marks {found} region(s)")

    errors = [e for e in driver.console_log() if e.get("level") == "SEVERE"]
    for e in errors:
        print(f"     console: {e.get('message')}")
    failures.check(not errors, f"{name}: no errors in the browser console")


def check_overview(driver, page, name, failures):
    """The strip across the top: every memory region of the map is on it, and a click on a mark brings that
    region into view, selected (the 4-GPU VM's BARs 2,000 px down the map are one click away)."""
    driver.s("POST", "/window/rect", WINDOW)
    driver.open(page.as_uri())
    counts = driver.run(
        "var regions = document.querySelectorAll('svg.aperture-map g.panel[data-space=memory] g.region');"
        "var keys = new Set(Array.from(document.querySelectorAll('#overview [data-target]')).map(function (m) { return m.dataset.target; }));"
        "return {regions: regions.length, missing: Array.from(regions).filter(function (r) { return !keys.has(r.dataset.key); }).length};")
    failures.check(counts["regions"] > 0 and counts["missing"] == 0,
                   f"{name}: every memory region is on the overview strip ({counts['regions']} regions, {counts['missing']} missing)")
    marks = (("document.querySelector('#overview rect.unassigned')", "the red mark of an unassigned BAR"),
             ("Array.from(document.querySelectorAll('#overview rect.bar'))"
              ".sort(function (a, b) { return parseFloat(b.dataset.from) - parseFloat(a.dataset.from); })[0]", "the highest BAR"))
    for mark, what in marks:
        if not driver.run(f"return ({mark}) ? true : false"):
            continue
        driver.run("window.scrollTo(0, 0); document.getElementById('map-pane').scrollTop = 0;")
        target = driver.run(f"var m = {mark}; "
                            "m.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 0, clientY: 0})); return m.dataset.target;")
        shown = driver.run(
            "var el = document.querySelector('[data-key=\"' + CSS.escape(arguments[0]) + '\"]');"
            "var r = el.getBoundingClientRect(); var pane = document.getElementById('map-pane').getBoundingClientRect();"
            "var top = Math.max(pane.top, document.getElementById('overview').getBoundingClientRect().bottom, 0);"
            "var bottom = Math.min(pane.bottom, window.innerHeight);"
            "var frame = document.querySelector('#overview .viewport').getBoundingClientRect();"
            "return {selected: el.classList.contains('selected'), mid: (r.top + r.bottom) / 2, top: top, bottom: bottom, frame: frame.width};",
            target)
        failures.check(shown["selected"] and shown["top"] <= shown["mid"] <= shown["bottom"],
                       f"{name}: clicking {what} on the overview selects {target} and shows it "
                       f"(middle at {shown['mid']:.0f} px, view {shown['top']:.0f}..{shown['bottom']:.0f} px)")
        failures.check(shown["frame"] > 0, f"{name}: the overview frames the part of the map in view")


# Ordinary screen widths: at each, the unassigned-BAR column and the I/O panel must be in view without
# scrolling sideways (the map scales to the pane, and the details go below it on narrower screens).
VIEWPORT_WIDTHS = (1280, 1920)


def check_fits(driver, page, out, name, failures):
    for width in VIEWPORT_WIDTHS:
        driver.s("POST", "/window/rect", {"width": width, "height": 1000})
        driver.open(page.as_uri())
        fit = driver.run(
            "var pane = document.getElementById('map-pane');"
            "var box = pane.getBoundingClientRect();"
            "var right = Math.min(document.documentElement.clientWidth, box.right);"
            "var items = Array.from(document.querySelectorAll('g.unassigned, g.panel[data-space=io]'))"
            "  .map(function (e) { return e.getBoundingClientRect(); });"
            "return {count: items.length, right: right, left: box.left,"
            "  furthest: Math.max.apply(null, items.map(function (r) { return r.right; })),"
            "  nearest: Math.min.apply(null, items.map(function (r) { return r.left; })),"
            "  pane_scrolls: pane.scrollWidth > pane.clientWidth + 1,"
            "  page_scrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1};")
        failures.check(fit["count"] > 0, f"{name} at {width} px: the page has an unassigned-BAR column or I/O panel")
        failures.check(fit["furthest"] <= fit["right"] + 1 and fit["nearest"] >= fit["left"] - 1,
                       f"{name} at {width} px: the unassigned-BAR column and the I/O panel are in view "
                       f"({fit['nearest']:.0f}..{fit['furthest']:.0f} px, pane {fit['left']:.0f}..{fit['right']:.0f} px)")
        failures.check(not fit["pane_scrolls"] and not fit["page_scrolls"], f"{name} at {width} px: nothing scrolls sideways")
        driver.screenshot(out / f"{name}-{width}px.png")
    driver.s("POST", "/window/rect", WINDOW)


def readme_image(driver, page, path):
    """The README's picture: OVMF's dropped GPU BAR selected, the map scrolled back to its left edge."""
    driver.s("POST", "/window/rect", README_WINDOW)
    driver.open(page.as_uri())
    driver.click(driver.find("g.unassigned[data-owner='gpu'][data-bar='2'] rect"))
    driver.run("var p = document.getElementById('map-pane'); p.scrollLeft = 0; p.scrollTop = 0; window.scrollTo(0, 0);")
    driver.screenshot(path)
    driver.s("POST", "/window/rect", WINDOW)
    print(f"README image: {path}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--aperture", required=True)
    parser.add_argument("--out", required=True, help="directory for the pages and screenshots")
    parser.add_argument("--readme-image", help="also write the README's screenshot here (docs/images/aperture-map.png)")
    opts = parser.parse_args()

    chromium = first_existing(CHROMIUM_CANDIDATES, "chromium")
    chromedriver = first_existing(CHROMEDRIVER_CANDIDATES, "chromedriver")
    if not chromium or not chromedriver:
        missing = " and ".join(n for n, p in (("chromium", chromium), ("chromedriver", chromedriver)) if not p)
        print(f"SKIPPED: {missing} not installed (Debian packages chromium and chromium-driver; "
              "scripts/install-deps.sh installs them)")
        return SKIPPED

    out = pathlib.Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    example = out / "example.html"
    dropped = out / "ovmf-drops-gpu.html"
    render(opts.aperture, ["plan", "--format", "html", f"@{SOURCE / 'examples' / 'q35-gpu-passthrough.args'}"], example)
    # The host a check runs against: a snapshot of a fixture tree (tests/fixtures/host/), taken as `aperture host` takes one.
    host = out / "intel-i7-12700-rtx4090.json"
    subprocess.run([opts.aperture, "host", "--root", str(SOURCE / "tests/fixtures/host/intel-i7-12700-rtx4090"), "--save", str(host)],
                   check=True, capture_output=True, timeout=60)
    render(opts.aperture, ["check", "--format", "html", "--host", str(host), "--"] + OVMF_DROPS_GPU, dropped)

    port = free_port()
    driver_log = open(out / "chromedriver.log", "w")
    process = subprocess.Popen([chromedriver, f"--port={port}"], stdout=driver_log, stderr=subprocess.STDOUT)
    driver = WebDriver(port)
    failures = Failures()
    try:
        deadline = time.time() + STARTUP_SECONDS
        while True:
            try:
                if driver.call("GET", "/status").get("ready"):
                    break
            except (urllib.error.URLError, ConnectionError, RuntimeError):
                pass
            if time.time() > deadline:
                raise RuntimeError("chromedriver did not become ready")
            time.sleep(0.2)
        with tempfile.TemporaryDirectory(prefix="aperture-chromium-", ignore_cleanup_errors=True) as profile:
            driver.start(chromium, profile)
            check_page(driver, example, out, "example", "g.region.bar[data-bdf='01:00.0'][data-bar='2'] rect",
                       ["gpu0", "01:00.0", "BAR2", "0x800000000", "0xfffffffff", "32 GiB", "pci-testdev"]
                       # pci.ids (install-deps.sh installs it with the tool) names the device as lspci does.
                       + ["Red Hat, Inc. QEMU PCI Test Device"], "nvme0", failures)
            check_page(driver, dropped, out, "ovmf-drops-gpu", "g.unassigned[data-owner='gpu'][data-bar='2'] rect",
                       ["gpu", "BAR2", "32 GiB", "UNASSIGNED"], "01:00.0", failures)
            check_fits(driver, dropped, out, "ovmf-drops-gpu", failures)
            check_overview(driver, dropped, "ovmf-drops-gpu", failures)
            check_overview(driver, example, "example", failures)
            if opts.readme_image:
                readme_image(driver, dropped, pathlib.Path(opts.readme_image))
            driver.quit()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        driver_log.close()
    print(f"screenshots in {out}")
    if failures.items:
        print(f"{len(failures.items)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
