"""The facilitator guide PDF: written by Qt, readable, with the practice's title in it."""

from __future__ import annotations

from pypdf import PdfReader

from app.ui.guide_pdf import save_guide_pdf


def test_guide_pdf_has_title_steps_and_timing_plan(companion, tmp_path):
    library = companion.window.library
    library.select_practice("compassion-circle")
    practice = library.detail.practice
    out = companion.window.save_guide(practice, tmp_path / "circle.pdf")
    assert out == tmp_path / "circle.pdf"
    reader = PdfReader(str(out))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "60-minute Compassion Circle" in text
    assert "Timing plan" in text
    assert practice.steps[-1].title in text
    assert reader.metadata is not None
    assert reader.metadata.title == "60-minute Compassion Circle: facilitator guide"
    assert len(reader.pages) >= 2


def test_unwritable_location_reports_and_keeps_running(companion, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    library = companion.window.library
    library.select_practice("pause-space")
    target = tmp_path / "missing-folder" / "guide.pdf"
    assert companion.window.save_guide(library.detail.practice, target) is None
    assert warnings and str(target) in warnings[0]


def test_pdf_writer_direct(tmp_path, companion):
    practice = next(p for p in companion.library.practices if p.id == "community-conversation")
    save_guide_pdf(practice, tmp_path / "c.pdf")
    first_page = " ".join(PdfReader(str(tmp_path / "c.pdf")).pages[0].extract_text().split())
    assert first_page.startswith(practice.title)
