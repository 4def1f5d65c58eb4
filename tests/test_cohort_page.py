"""The cohort page in headless Chromium: no console error and no request, the samples table sorts and filters with
its inline script (allowed by the page's CSP hash), reads in full without script, links each sample's reports, and
prints to A4 and Letter without running off the page. Skips when Chromium is absent (tests/test_browser.py says how
to get it).

Regenerate the README screenshot with ``python -m tests.test_cohort_page docs/cohort_example.png [STUDY_DIR]``.
"""

from __future__ import annotations

import base64
import re
import sys
import tempfile
from pathlib import Path

import pytest

from hpdgenomics.cohort.html import render_cohort_html
from hpdgenomics.request import CohortRequest

from .conftest import EPOCH, TEST_DATA
from .test_browser import WIDER_THAN_PAGE, Browser, find_chromium, open_page, problems, screenshot
from .test_browser import browser as browser
from .test_browser import chromium as chromium
from .test_multiqc import synthetic_cohort

RULE_GENES = {"MDM2-AMP-HPD": "MDM2", "MDM4-AMP-HPD": "MDM4"}
# Printable widths in CSS pixels (96 per inch) of A4 (210 mm) and Letter (8.5 in), less the page's 12 mm margins.
PAPERS = {"A4": (8.27, 11.69, round((210 - 24) / 25.4 * 96)), "Letter": (8.5, 11.0, round((215.9 - 24) / 25.4 * 96))}


@pytest.fixture(scope="module")
def tiny_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hpdgenomics.cohort import run_cohort

    out = tmp_path_factory.mktemp("cohort_page") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run_cohort(CohortRequest.of(study_dir=TEST_DATA / "cohort" / "study_tiny", out=out, formats=("json", "html")))
    return out / "cohort.html"


@pytest.fixture(scope="module")
def large_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = synthetic_cohort(2000)
    info = {"source": "synthetic", "title": "synthetic cohort", "tool": {"version": "test"},
            "reports": {"formats": ["json"]}}
    path = tmp_path_factory.mktemp("large_page") / "cohort.html"
    path.write_text(render_cohort_html(rows, RULE_GENES, info), encoding="utf-8")
    return path


def evaluate(browser: Browser, expression: str) -> object:
    return browser.page("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")


SAMPLE_COLUMN = ("Array.from(document.querySelectorAll('#samples tbody tr:not([hidden]) td:first-child'), "
                 "c => c.textContent)")


def test_page_opens_without_errors_or_requests(browser: Browser, tiny_page: Path) -> None:
    events = open_page(browser, tiny_page)
    errors, requests = problems(events, tiny_page.resolve().as_uri())
    assert errors == [] and requests == []  # a CSP refusal of the script would be a console error
    assert evaluate(browser, "document.querySelector('.filter').hidden") is False  # the script ran
    links = evaluate(browser, "Array.from(document.querySelectorAll('#samples a'), a => a.getAttribute('href'))")
    assert "samples/TINY-01.hpd.html" in links and "samples/TINY-01.hpd.json" in links  # type: ignore[operator]
    assert all((tiny_page.parent / link).is_file() for link in links)  # type: ignore[union-attr]
    assert evaluate(browser, "document.querySelectorAll('svg.level-chart rect').length") == 4


def test_table_sorts_and_filters(browser: Browser, large_page: Path) -> None:
    open_page(browser, large_page)
    first = evaluate(browser, SAMPLE_COLUMN)
    assert isinstance(first, list) and len(first) > 10
    evaluate(browser, "document.querySelector('#samples thead th button').click()")
    ascending = evaluate(browser, SAMPLE_COLUMN)
    assert ascending == sorted(first)  # type: ignore[type-var]
    evaluate(browser, "document.querySelector('#samples thead th button').click()")
    assert evaluate(browser, SAMPLE_COLUMN) == sorted(first, reverse=True)  # type: ignore[type-var]
    assert evaluate(browser, "document.querySelector('#samples thead th').getAttribute('aria-sort')") == "descending"
    tmb = "Array.from(document.querySelectorAll('#samples tbody tr td:nth-child(8)'), c => c.dataset.sort)"
    evaluate(browser, "document.querySelectorAll('#samples thead th button')[7].click()")
    values = [float(v) for v in evaluate(browser, tmb)]  # type: ignore[union-attr]
    assert values == sorted(values)  # numbers sort as numbers
    wanted = first[3]  # type: ignore[index]
    evaluate(browser, f"const f = document.getElementById('samples-filter'); f.value = '{wanted}'; "
                      "f.dispatchEvent(new Event('input'))")
    assert evaluate(browser, SAMPLE_COLUMN) == [wanted]
    assert evaluate(browser, "document.getElementById('samples-shown').textContent").startswith("1 of ")


def test_table_reads_without_script(browser: Browser, large_page: Path) -> None:
    browser.page("Emulation.setScriptExecutionDisabled", value=True)
    open_page(browser, large_page)
    text = large_page.read_text(encoding="utf-8")
    expected = len(re.findall(r'<td class="sample">', text))
    assert expected > 10
    # the page's script did not run (it would have set aria-sort and shown the filter); DevTools still evaluates
    assert evaluate(browser, "document.querySelector('#samples thead th').getAttribute('aria-sort')") is None
    assert evaluate(browser, "document.querySelectorAll('#samples tbody tr').length") == expected
    assert evaluate(browser, "document.querySelector('.filter').hidden") is True  # no dead filter box without script


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_prints_to_a4_and_letter(browser: Browser, tiny_page: Path, paper: str) -> None:
    width_in, height_in, printable_px = PAPERS[paper]
    open_page(browser, tiny_page, width=printable_px)
    browser.page("Emulation.setEmulatedMedia", media="print")
    assert evaluate(browser, WIDER_THAN_PAGE) == []
    pdf = base64.b64decode(browser.page("Page.printToPDF", paperWidth=width_in, paperHeight=height_in,
                                        printBackground=True)["data"])
    boxes = {tuple(float(v) for v in box.split()) for box in re.findall(rb"/MediaBox ?\[([^\]]*)\]", pdf)}
    assert boxes and all(abs(w - width_in * 72) < 1 and abs(h - height_in * 72) < 1 for _, _, w, h in boxes)


def main(out: str, study_dir: str | None = None) -> None:
    """Write the README screenshot of the cohort page (the prostate study when given, else the tiny test study)."""
    import io
    import os

    from PIL import Image

    from hpdgenomics.cohort import run_cohort

    executable, why = find_chromium()
    if executable is None:
        sys.exit(f"Chromium not available: {why}")
    os.environ.setdefault("SOURCE_DATE_EPOCH", EPOCH)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(study_dir) if study_dir else TEST_DATA / "cohort" / "study_tiny"
        run_cohort(CohortRequest.of(study_dir=source, out=Path(folder) / "out", skip_missing=True, jobs=2))
        browser = Browser(executable, Path(folder) / "profile")
        try:
            open_page(browser, Path(folder) / "out" / "cohort.html", width=1100)
            png = screenshot(browser, height=1700)
        finally:
            browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    image.save(out, optimize=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
