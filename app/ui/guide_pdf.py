"""Save a facilitator guide as PDF with Qt's own PDF writer (no extra dependency)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from app import APP_NAME
from app.core.practices import Practice
from app.ui.practice_document import practice_html

GUIDE_POINT_SIZE = 11


def save_guide_pdf(practice: Practice, path: Path) -> None:
    """Write an A4 guide; raises OSError naming the file if it cannot be written."""
    with path.open("wb"):  # fails with a precise reason (no folder, read-only) before Qt tries
        pass
    writer = QPdfWriter(str(path))
    writer.setTitle(f"{practice.title}: facilitator guide")
    writer.setCreator(APP_NAME)
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                    QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    )
    document = QTextDocument()
    font = QFont()
    font.setPointSize(GUIDE_POINT_SIZE)
    document.setDefaultFont(font)
    document.setHtml(practice_html(practice, guide=True))
    document.print_(writer)
    del writer  # the file is finished when the writer is destroyed
    if not path.is_file() or path.stat().st_size == 0:
        raise OSError(0, "the PDF writer produced no file", str(path))
