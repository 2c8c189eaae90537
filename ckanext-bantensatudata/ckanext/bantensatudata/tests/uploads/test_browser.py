"""The resource form in a real browser (Debian's Chromium via Playwright, root ``live_server``).

A steward sees the rules before choosing a file, is stopped in the browser for
a wrong extension, watches the progress bar during a real upload, and reads
the server's translated rejection after a disguised file.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from ckan.tests.helpers import call_action
from playwright.sync_api import Browser, Page, expect

from . import samples

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 5))
ARTIFACTS = os.path.join(ROOT, "test-artifacts", "uploads")


@pytest.fixture
def page(browser: Browser, live_server, steward) -> Iterator[Page]:
    # the steward's API token on every request (XHR included) logs them in
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                  extra_http_headers={"Authorization": steward.token})
    pg = context.new_page()
    pg.set_default_timeout(30000)
    yield pg
    context.close()


def _new_resource(page: Page, steward) -> None:
    response = page.goto(f"/dataset/{steward.dataset['name']}/resource/new")
    assert response is not None and response.status == 200


def _choose(page: Page, path: str) -> None:
    page.locator("#resource-upload-button").click()
    page.locator("#field-resource-upload").set_input_files(path)


def test_rules_and_client_side_check(page, steward, tmp_path):
    _new_resource(page, steward)
    rules = page.locator("#bsd-upload-help .bsd-upload-rules")
    expect(rules).to_contain_text("Format berkas yang diizinkan: ODT, DOCX")
    expect(rules).to_contain_text("Ukuran berkas maksimum: 100 MB")
    expect(page.locator("#field-resource-upload")).to_have_attribute("accept", re.compile(r"\.csv"))
    bad = tmp_path / "program.exe"
    bad.write_bytes(samples.executable())
    _choose(page, str(bad))
    error = page.locator(".bsd-upload-client-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text('Berkas "program.exe" bukan format yang diizinkan')


def test_upload_with_progress_then_saved(page, steward, tmp_path):
    _new_resource(page, steward)
    good = tmp_path / "penduduk.csv"
    good.write_bytes(samples.csv_bytes() * 20000)  # ~2.8 MB: enough for progress events
    _choose(page, str(good))
    page.locator("#field-name").fill("Penduduk")
    # what the progress area said, kept in sessionStorage across the redirect that follows
    page.evaluate("""() => {
        sessionStorage.removeItem('bsdProgress');
        new MutationObserver(() => {
            const box = document.querySelector('.bsd-upload-progress');
            const text = document.querySelector('.bsd-upload-status').textContent;
            if (box && !box.hidden && text) {
                const seen = JSON.parse(sessionStorage.getItem('bsdProgress') || '[]');
                if (seen[seen.length - 1] !== text) { seen.push(text); }
                sessionStorage.setItem('bsdProgress', JSON.stringify(seen));
            }
        }).observe(document.querySelector('#bsd-upload-help'), {subtree: true, childList: true,
                                                                characterData: true, attributes: true});
    }""")
    page.locator("button[name=save][value=go-dataset-complete]").click()
    expect(page).to_have_url(re.compile(rf"/dataset/{steward.dataset['name']}$"))
    seen = page.evaluate("() => JSON.parse(sessionStorage.getItem('bsdProgress') || '[]')")
    assert any(text.startswith("Mengunggah") for text in seen), seen
    assert "Unggahan selesai; berkas sedang diperiksa…" in seen
    resources = call_action("package_show", id=steward.dataset["id"])["resources"]
    assert [r["format"] for r in resources] == ["CSV"]
    assert resources[0]["size"] == len(samples.csv_bytes() * 20000)


def test_disguised_file_shows_server_error(page, steward, tmp_path):
    _new_resource(page, steward)
    disguised = tmp_path / "penduduk.xlsx"
    disguised.write_bytes(samples.html_page())
    _choose(page, str(disguised))
    page.locator("#field-name").fill("Penduduk")
    page.locator("button[name=save][value=go-dataset-complete]").click()
    error = page.locator("#field-resource-upload-error")
    expect(error).to_contain_text('Berkas "penduduk.xlsx" ditolak')
    expect(error).to_contain_text("Format yang diizinkan: ODT, DOCX, ODS, XLSX")
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "rejected-upload.png"), full_page=True)
    assert call_action("package_show", id=steward.dataset["id"])["resources"] == []
