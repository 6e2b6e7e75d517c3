#!/usr/bin/env python3
"""Screenshots pairs of HTML files in headless Chromium and reports how much they differ.

    python3 scripts/parity/shoot.py PAIRS.tsv SHOTS_DIR [--widths 600,375] [--worst 15]

PAIRS.tsv has one line per file: name, mjml HTML path, letterpress HTML path (either path may be
"-" when that side did not compile). Each HTML is loaded from disk with every image replaced by
the same placeholder (img src, background attributes and CSS background images, after load) and
the network disabled (web fonts fall back identically on both sides), then captured full height at
each width. The difference of a pair is the share of pixels that differ (any channel by more than
THRESHOLD) over the larger of the two canvases, both padded with white to the same size.

Talks to chromedriver over its plain WebDriver HTTP API (no selenium); needs Pillow and numpy.
"""
import argparse
import base64
import io
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import numpy
from PIL import Image

THRESHOLD = 8
PLACEHOLDER = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
        b'<rect width="200" height="100" fill="#9aa5b1"/></svg>'
    ).decode()
)
REPLACE_IMAGES = """
const ph = arguments[0];
for (const img of document.querySelectorAll('img')) { img.removeAttribute('srcset'); img.src = ph; }
for (const el of document.querySelectorAll('[background]')) el.setAttribute('background', ph);
for (const el of document.querySelectorAll('*')) {
  const bg = getComputedStyle(el).backgroundImage;
  if (bg && bg.includes('url(')) el.style.setProperty('background-image', 'url("' + ph + '")', 'important');
}
return Promise.all([...document.images].map(i => i.decode().catch(() => null))).then(() => true);
"""


class Driver:
    """A chromedriver process with one headless Chromium session."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [os.environ.get("CHROMEDRIVER", "chromedriver"), f"--port={self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                self._call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-color-profile=srgb",
            "--font-render-hinting=none",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ]
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": args}}}}
        binary = os.environ.get("CHROMIUM")
        if binary:
            caps["capabilities"]["alwaysMatch"]["goog:chromeOptions"]["binary"] = binary
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=120) as res:
            return json.loads(res.read())["value"]

    def cmd(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def cdp(self, command, params):
        return self.cmd("POST", "/goog/cdp/execute", {"cmd": command, "params": params})

    def shoot(self, html_path: pathlib.Path, width: int) -> Image.Image:
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False},
        )
        self.cmd("POST", "/url", {"url": html_path.resolve().as_uri()})
        self.cmd("POST", "/execute/async", {
            "script": "const done = arguments[arguments.length - 1];"
            "(async () => {" + REPLACE_IMAGES.replace("return ", "await ") + "})().then(() => done(true), () => done(false));",
            "args": [PLACEHOLDER],
        })
        height = self.cmd("POST", "/execute/sync", {
            "script": "return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);",
            "args": [],
        })
        height = max(1, min(int(height), 20000))
        shot = self.cdp("Page.captureScreenshot", {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        })
        return Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB")

    def close(self):
        try:
            self.cmd("DELETE", "")
        finally:
            self.proc.terminate()
            self.proc.wait()


def difference(a: Image.Image, b: Image.Image):
    """Share of differing pixels and a diff image (differences in red over a faded b)."""
    w, h = max(a.width, b.width), max(a.height, b.height)
    canvas = []
    for img in (a, b):
        c = Image.new("RGB", (w, h), "white")
        c.paste(img, (0, 0))
        canvas.append(numpy.asarray(c, dtype=numpy.int16))
    mask = (numpy.abs(canvas[0] - canvas[1]).max(axis=2) > THRESHOLD)
    faded = (canvas[1] * 0.3 + 178).astype(numpy.uint8)
    faded[mask] = (255, 0, 0)
    return float(mask.mean()), Image.fromarray(faded)


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pairs")
    parser.add_argument("shots")
    parser.add_argument("--widths", default="600,375")
    parser.add_argument("--worst", type=int, default=15)
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    shots = pathlib.Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)
    rows = [l.rstrip("\n").split("\t") for l in open(args.pairs, encoding="utf-8") if l.strip()]
    results = {}
    driver = Driver()
    try:
        for name, mjml_html, lp_html in rows:
            if mjml_html == "-" or lp_html == "-":
                continue
            for width in widths:
                a = driver.shoot(pathlib.Path(mjml_html), width)
                b = driver.shoot(pathlib.Path(lp_html), width)
                diff, picture = difference(a, b)
                results.setdefault(name, {})[width] = diff
                if diff > 0:
                    stem = shots / f"{name.replace('/', '__')}@{width}"
                    a.save(f"{stem}.mjml.png")
                    b.save(f"{stem}.letterpress.png")
                    picture.save(f"{stem}.diff.png")
    finally:
        driver.close()
    total = len(rows)
    both = len(results)
    print(f"files: {total}; compared (both compiled): {both}")
    summary = {"files": total, "compared": both, "widths": {}}
    for width in widths:
        values = [r[width] * 100 for r in results.values()]
        same = sum(1 for v in values if v == 0)
        stats = {
            "identical": same,
            "median": percentile(values, 0.5),
            "p75": percentile(values, 0.75),
            "p90": percentile(values, 0.9),
            "max": max(values, default=float("nan")),
            "mean": statistics.fmean(values) if values else float("nan"),
        }
        summary["widths"][width] = stats
        print(
            f"{width:>4} px: identical {same}/{len(values)}; differing pixels "
            f"median {stats['median']:.2f} %, p75 {stats['p75']:.2f} %, p90 {stats['p90']:.2f} %, "
            f"max {stats['max']:.2f} %, mean {stats['mean']:.2f} %"
        )
    worst = sorted(results.items(), key=lambda kv: -max(kv[1].values()))[: args.worst]
    worst = [kv for kv in worst if max(kv[1].values()) > 0]
    if worst:
        print("worst files (differing pixels at " + ", ".join(f"{w} px" for w in widths) + "):")
        for name, by_width in worst:
            print("  " + name + ": " + ", ".join(f"{by_width[w] * 100:.2f} %" for w in widths))
    if args.json:
        summary["files_detail"] = results
        pathlib.Path(args.json).write_text(json.dumps(summary, indent=1, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
