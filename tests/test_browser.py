"""End to end: open the HTML reports in headless Chromium, take a screenshot, print to A4, and check that the
page logged no console error and made no network request.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON messages separated by
NUL on file descriptors 3 and 4), so the test needs no Python package and no browser download: it uses the Debian
``chromium`` package. The tests never install it (``.ci/run`` does, and the README says how); when it is missing they
skip and say why.

Regenerate the README screenshot with ``python -m tests.test_browser docs/report_example.png``.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from hpdgenomics.report.document import SampleReport
from hpdgenomics.report.html import render_html

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root, with everything that would reach Google's servers on its own switched off.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability",
         "--disable-client-side-phishing-detection", "--disable-features=Translate,MediaRouter,OptimizationHints",
         "--metrics-recording-only", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
         "--remote-debugging-pipe")
TRAMPOLINE = ("import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); os.dup2(r, 3); os.dup2(w, 4); "
              "os.close(r); os.close(w); os.execv(sys.argv[3], sys.argv[3:])")
WAIT_S = 60.0  # a guard against a hung browser, not a speed check


class Browser:
    """A headless Chromium and one page, spoken to over the DevTools protocol on a pipe."""

    def __init__(self, executable: Path, profile: Path) -> None:
        # The ends Chromium gets are moved above 9, so that placing them on 3 and 4 cannot clobber one with the
        # other; a two-line Python trampoline does the placing and execs Chromium (a preexec_fn is unsafe with
        # threads, and POSIX sh cannot name descriptors above 9).
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        to_browser_read, from_browser_write = (_above_nine(fd) for fd in (to_browser_read, from_browser_write))
        r, w = to_browser_read, from_browser_write
        self.process = subprocess.Popen(
            [sys.executable, "-c", TRAMPOLINE, str(r), str(w),
             str(executable), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(r, w),
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._next_id = 0
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr_lines: list[str] = []
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace").rstrip())

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message and message["id"] in self._replies:
                    self._replies[message["id"]].put(message)
                else:
                    self.events.put(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its reply (an error reply raises)."""
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            self._replies[ident] = queue.Queue()
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        try:
            reply = self._replies[ident].get(timeout=WAIT_S)
        except queue.Empty:
            raise RuntimeError(f"Chromium did not answer {method}; stderr: {self.stderr_lines[-5:]}") from None
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.send(method, session=self.session, **params)

    def wait_for(self, method: str, seen: list[dict[str, Any]]) -> None:
        """Collect events into ``seen`` until ``method`` arrives."""
        while True:
            try:
                event = self.events.get(timeout=WAIT_S)
            except queue.Empty:
                raise RuntimeError(f"no {method} from Chromium; stderr: {self.stderr_lines[-5:]}") from None
            seen.append(event)
            if event.get("method") == method:
                return

    def drain(self, seen: list[dict[str, Any]]) -> None:
        while True:
            try:
                seen.append(self.events.get_nowait())
            except queue.Empty:
                return

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr_reader.join(timeout=WAIT_S)
        if self.process.stderr is not None:
            self.process.stderr.close()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)


def _above_nine(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def find_chromium() -> tuple[Path | None, str]:
    """The Chromium executable, or None and why not. Tests never install it: ``.ci/run`` and the README do."""
    if CHROMIUM.exists():
        return CHROMIUM, ""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return Path(found), ""
    return None, (f"{CHROMIUM} is not installed (the Debian package 'chromium'; .ci/run installs it when it runs as "
                  "root)")


@pytest.fixture(scope="session")
def chromium() -> Path:
    path, why = find_chromium()
    if path is None:
        pytest.skip(f"headless Chromium not available: {why}")
    return path


@pytest.fixture
def browser(chromium: Path, tmp_path: Path) -> Iterator[Browser]:
    started = Browser(chromium, tmp_path / "profile")
    try:
        yield started
    finally:
        started.close()


def open_page(browser: Browser, path: Path, width: int = 1200) -> list[dict[str, Any]]:
    """Load ``path`` and return every protocol event seen while it loaded."""
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.page(f"{domain}.enable")
    browser.page("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=False)
    seen: list[dict[str, Any]] = []
    browser.page("Page.navigate", url=path.resolve().as_uri())
    browser.wait_for("Page.loadEventFired", seen)
    browser.page("Runtime.evaluate", expression="1")  # one more round trip: late events arrive before it returns
    browser.drain(seen)
    return seen


def problems(events: list[dict[str, Any]], page_url: str) -> tuple[list[str], list[str]]:
    """(console errors, network requests other than the page itself) among ``events``."""
    errors, requests = [], []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(json.dumps(params.get("args"))[:300])
        elif method == "Runtime.exceptionThrown":
            errors.append(json.dumps(params.get("exceptionDetails"))[:300])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(params["entry"].get("text", "")[:300])
        elif method == "Network.requestWillBeSent" and params.get("request", {}).get("url") != page_url:
            requests.append(params["request"]["url"])
    return errors, requests


def screenshot(browser: Browser, height: int | None = None, scale: float = 1.0) -> bytes:
    """PNG of the page: the whole length, or its first ``height`` CSS pixels."""
    size = browser.page("Page.getLayoutMetrics")["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(height or size["height"], size["height"]),
            "scale": scale}
    shot = browser.page("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
    return base64.b64decode(shot["data"])


@pytest.fixture(scope="module")
def report_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from .test_html import annotate_examples

    folder = tmp_path_factory.mktemp("html")
    files = {}
    for level, report in annotate_examples().items():
        files[level] = folder / f"{level}.hpd.html"
        files[level].write_text(render_html(report), encoding="utf-8")
    return files


@pytest.mark.parametrize("level", ["high", "elevated", "none_detected", "not_assessable"])
def test_report_opens_without_errors_or_requests(browser: Browser, report_files: Mapping[str, Path], level: str,
                                                 tmp_path: Path) -> None:
    path = report_files[level]
    events = open_page(browser, path)
    errors, requests = problems(events, path.resolve().as_uri())
    assert errors == [], errors
    assert requests == [], requests
    assert any(e.get("method") == "Network.requestWillBeSent" for e in events), "the page load itself was seen"
    title = browser.page("Runtime.evaluate", expression="document.title")["result"]["value"]
    assert title.startswith("Hyperprogression screen")
    png = screenshot(browser)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    (tmp_path / f"{level}.png").write_bytes(png)
    width = int.from_bytes(png[16:20], "big")
    assert width == 1200, "nothing overflows the page width"


def test_the_checks_would_see_a_request_and_an_error(browser: Browser, tmp_path: Path) -> None:
    """A control: a page that fetches an image and logs an error is caught by the same checks."""
    path = tmp_path / "control.html"
    path.write_text('<!DOCTYPE html><title>control</title><img src="http://127.0.0.1:9/x.png">'
                    "<script>console.error('control error')</script>", encoding="utf-8")
    errors, requests = problems(open_page(browser, path), path.resolve().as_uri())
    assert any("control error" in e for e in errors)
    assert requests == ["http://127.0.0.1:9/x.png"]


def test_report_prints_to_a4(browser: Browser, report_files: Mapping[str, Path]) -> None:
    open_page(browser, report_files["high"])
    pdf = base64.b64decode(browser.page("Page.printToPDF", preferCSSPageSize=True, printBackground=True)["data"])
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type ?/Page[^s]", pdf)) >= 2
    boxes = {tuple(float(v) for v in box.split()) for box in re.findall(rb"/MediaBox ?\[([^\]]*)\]", pdf)}
    assert boxes and all(abs(w - 595.28) < 1 and abs(h - 841.89) < 1 for _, _, w, h in boxes), boxes  # A4 in points


def _pdf_pages(browser: Browser, path: Path, tmp_path: Path) -> list[str]:
    """The text of each page of ``path`` printed to A4 by Chromium, read back with pdftotext (skip without it)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (Debian package 'poppler-utils'; .ci/run installs it as root)")
    open_page(browser, path)
    pdf = base64.b64decode(browser.page("Page.printToPDF", preferCSSPageSize=True, printBackground=True)["data"])
    printed = tmp_path / f"{path.stem}.pdf"
    printed.write_bytes(pdf)
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(printed), "-"], capture_output=True, text=True,
                          check=True, timeout=WAIT_S).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("level", ["high", "not_assessable"])
def test_printed_pages_carry_the_sample_id_and_page_x_of_y(browser: Browser, report_files: Mapping[str, Path],
                                                           level: str, tmp_path: Path) -> None:
    pages = _pdf_pages(browser, report_files[level], tmp_path)
    sample = browser.page("Runtime.evaluate", expression="document.querySelector('.sample-id').textContent")
    sample_id = sample["result"]["value"]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page, page[-300:]
        assert f"{sample_id} · hyperprogression screen" in page


HEADINGS = """Array.from(document.querySelectorAll('main h2, main h3')).map(h => h.textContent.replace(/\\s+/g, ' ')
  .trim())"""


@pytest.mark.parametrize("level", ["high", "elevated", "none_detected", "not_assessable"])
def test_no_heading_ends_a_printed_page(browser: Browser, report_files: Mapping[str, Path], level: str,
                                        tmp_path: Path) -> None:
    """The last line of text on every printed page (above its footer) is never a section heading."""
    pages = _pdf_pages(browser, report_files[level], tmp_path)
    headings = set(browser.page("Runtime.evaluate", expression=HEADINGS, returnByValue=True)["result"]["value"])
    assert "5 Copy-number picture" in headings or "Copy-number picture" in " ".join(headings)
    for number, page in enumerate(pages, start=1):
        lines = [" ".join(line.split()) for line in page.splitlines()]
        body = [line for line in lines if line and not re.fullmatch(r"Page \d+ of \d+", line)
                and "· hyperprogression screen" not in line]
        assert body, f"page {number} is empty"
        assert body[-1] not in headings, f"page {number} of {level} ends with the heading {body[-1]!r}"


ORPHAN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>orphan control</title><style>
@page {{ size: A4; margin: 14mm 12mm; }} body {{ margin: 0; font: 10pt sans-serif; }}
.spacer {{ height: 255mm; }} .figure {{ height: 120mm; break-inside: avoid; border: 1px solid #000; }}
{css}</style></head><body><main><div class="spacer">top of page one</div>
<h2>Copy-number picture</h2><div class="figure">figure body</div><p>after the figure</p></main></body></html>"""


def test_the_orphan_check_would_see_an_orphan(browser: Browser, tmp_path: Path) -> None:
    """A control: a heading pushed to a page foot above an unbreakable figure is caught without the report's print
    rules, and kept with its figure with them."""
    from hpdgenomics.report.html import environment

    rules = environment().get_template("_print.css.j2").render(view={"board": {"footer_css": "control"}})
    for css, orphaned in (("", True), (rules, False)):
        path = tmp_path / f"orphan_{orphaned}.html"
        path.write_text(ORPHAN_PAGE.format(css=css), encoding="utf-8")
        pages = _pdf_pages(browser, path, tmp_path)
        first = [line.strip() for line in pages[0].splitlines() if line.strip() and "Page" not in line
                 and "control" not in line]
        assert (first[-1] == "Copy-number picture") is orphaned, first


WIDER_THAN_PAGE = """(() => {
  const width = document.documentElement.clientWidth, wide = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.getBoundingClientRect().right > width + 1) wide.push(el.tagName + "." + el.className);
  }
  return wide.slice(0, 10);
})()"""


@pytest.mark.parametrize("level", ["high", "elevated", "none_detected", "not_assessable"])
def test_nothing_wider_than_an_a4_page(browser: Browser, report_files: Mapping[str, Path], level: str) -> None:
    """At the width of an A4 page (794 CSS px) and in print media, no table or figure runs off the side."""
    open_page(browser, report_files[level], width=794)
    browser.page("Emulation.setEmulatedMedia", media="print")
    wide = browser.page("Runtime.evaluate", expression=WIDER_THAN_PAGE, returnByValue=True)["result"]["value"]
    assert wide == []


def test_script_in_sample_name_does_not_run(browser: Browser, report_files: Mapping[str, Path],
                                            tmp_path: Path) -> None:
    from .test_html import HOSTILE, hostile_document

    document = hostile_document(SampleReport.from_json(_json_of(report_files, tmp_path)))
    path = tmp_path / "hostile.hpd.html"
    path.write_text(render_html(SampleReport(document)), encoding="utf-8")
    events = open_page(browser, path)
    errors, requests = problems(events, path.resolve().as_uri())
    assert errors == [] and requests == []
    banner = browser.page("Runtime.evaluate", expression="document.querySelector('.sample-id').textContent")
    assert banner["result"]["value"] == HOSTILE
    scripts = browser.page("Runtime.evaluate", expression="document.scripts.length")
    assert scripts["result"]["value"] == 0


def _json_of(report_files: Mapping[str, Path], tmp_path: Path) -> Path:
    from .test_html import annotate_examples

    path = tmp_path / "high.hpd.json"
    path.write_text(annotate_examples()["high"].to_json(), encoding="utf-8")
    return path


def main(out: str) -> None:
    """Write the README screenshot: the top of the high-risk example report."""
    from .test_html import annotate_examples

    executable, why = find_chromium()
    if executable is None:
        sys.exit(f"Chromium not available: {why}")
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "high.hpd.html"
        page.write_text(render_html(annotate_examples()["high"]), encoding="utf-8")
        browser = Browser(executable, Path(folder) / "profile")
        try:
            open_page(browser, page, width=1100)
            png = screenshot(browser, height=1500)
        finally:
            browser.close()
    import io

    from PIL import Image  # a matplotlib dependency; a palette PNG is a third the size and reads the same

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    image.save(out, optimize=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/report_example.png")
