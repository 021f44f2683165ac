"""Print an HTML file to PDF with headless chromium and count the pages (for the one/two-page checks)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pdf_pages(path: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        found = re.search(r"Pages:\s+(\d+)", info)
        assert found, info
        return int(found.group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def printed_pages(page: Path) -> int:
    """The number of A4 pages chromium prints the page on; skips (fails on CI) without chromium."""
    browser = chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is needed on CI to check the printed report")
        pytest.skip("chromium is not installed")
    pdf = page.with_suffix(".pdf")
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert pdf.exists(), "chromium wrote no PDF"
    return pdf_pages(pdf)
