"""Journal entries as PDF with Qt's own writer: one entry, a range, or the whole journal.

Ordinary entries print as heading, facts line and the body's Markdown. NMC reflective
accounts print laid out like the NMC's form: the account number, the four headed fields in
a table, and the Code's four themes each marked Yes or No in words (never by colour or a
tick alone), so the page can be copied onto the approved form or kept with a portfolio.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Final

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import (
    QFont,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
    QTextTableFormat,
)

from app import APP_NAME
from app.core.journal import Entry
from app.core.journal_export import FILE_MODE
from app.core.journal_templates import NMC, NO_IDENTIFIERS

PDF_POINT_SIZE: Final = 11
NMC_TEMPLATE_ID: Final = NMC.id
CODE_THEMES: Final = (
    ("Prioritise people", re.compile(r"prioriti[sz]e\s+people", re.IGNORECASE)),
    ("Practise effectively", re.compile(r"practi[sc]e\s+effectively", re.IGNORECASE)),
    ("Preserve safety", re.compile(r"preserve\s+safety", re.IGNORECASE)),
    ("Promote professionalism and trust",
     re.compile(r"promote\s+professionalism", re.IGNORECASE)),
)
_SECTION_RE: Final = re.compile(r"^##\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True, slots=True)
class NmcAccount:
    """The fields of an NMC reflective account, read from an entry's sections."""

    account_number: str
    nature: str
    learned: str
    changed: str
    code: str
    themes: tuple[tuple[str, bool], ...]
    other: str  # text under headings the template does not have, kept rather than dropped


def split_sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first '## ' heading, [(heading, text)]) in order."""
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        match = _SECTION_RE.match(line)
        if match:
            sections.append((match.group(1), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
    return "\n".join(preamble).strip(), [(h, "\n".join(t).strip()) for h, t in sections]


def nmc_account(entry: Entry) -> NmcAccount:
    """Read an NMC entry's answers, leaving out the template's own prompt lines."""
    prompts = {f"_{s.prompt}_" for s in NMC.sections}
    by_heading: dict[str, str] = {}
    other: list[str] = []
    known = {s.heading.casefold(): s.heading for s in NMC.sections}
    for heading, text in split_sections(entry.body)[1]:
        answer = "\n".join(line for line in text.split("\n") if line.strip() not in prompts)
        answer = answer.strip()
        if heading.casefold() in known:
            by_heading[known[heading.casefold()]] = answer
        elif answer:
            other.append(f"**{heading}**\n\n{answer}")
    names = [s.heading for s in NMC.sections]
    code = by_heading.get(names[4], "")
    return NmcAccount(
        account_number=by_heading.get(names[0], ""),
        nature=by_heading.get(names[1], ""),
        learned=by_heading.get(names[2], ""),
        changed=by_heading.get(names[3], ""),
        code=code,
        themes=tuple((name, bool(pattern.search(code))) for name, pattern in CODE_THEMES),
        other="\n\n".join(other),
    )


def _date_line(entry: Entry) -> str:
    written = entry.created_at.strftime("%A %d %B %Y, %H:%M")
    parts = [f"Written {written}"]
    if entry.tags:
        parts.append("Tags: " + ", ".join(entry.tags))
    if entry.mood is not None:
        parts.append(f"Mood: {entry.mood.label}")
    return " · ".join(parts)


def _fresh_block(cursor: QTextCursor, *, page_break: bool = False) -> None:
    block = QTextBlockFormat()
    if page_break:
        block.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    cursor.insertBlock(block, QTextCharFormat())


def _insert_entry(cursor: QTextCursor, entry: Entry) -> None:
    cursor.insertHtml(
        f"<h1>{escape(entry.title or 'Untitled entry')}</h1>"
        f"<p><i>{escape(_date_line(entry))}</i></p>"
    )
    _fresh_block(cursor)
    cursor.insertMarkdown(entry.body)


def _insert_nmc(cursor: QTextCursor, entry: Entry) -> None:
    account = nmc_account(entry)
    number = account.account_number or "____"
    cursor.insertHtml(
        "<h1>Reflective account</h1>"
        f"<p><b>Reflective account number:</b> {escape(number)}</p>"
        f"<p><i>{escape(entry.title)}{' · ' if entry.title else ''}"
        f"{escape(_date_line(entry))}</i></p>"
    )
    _fresh_block(cursor)
    rows = (
        ("What was the nature of the CPD activity, practice-related feedback, or event or "
         "experience in your practice?", account.nature),
        ("What did you learn from it?", account.learned),
        ("How did you change or improve your practice as a result?", account.changed),
        ("How is this relevant to the Code? (themes below)", account.code),
    )
    table_format = QTextTableFormat()
    table_format.setBorder(1)
    table_format.setBorderStyle(QTextTableFormat.BorderStyle.BorderStyle_Solid)
    table_format.setCellPadding(6)
    table_format.setCellSpacing(0)
    table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    table_format.setColumnWidthConstraints([
        QTextLength(QTextLength.Type.PercentageLength, 36),
        QTextLength(QTextLength.Type.PercentageLength, 64),
    ])
    table = cursor.insertTable(len(rows), 2, table_format)
    for row, (label, answer) in enumerate(rows):
        table.cellAt(row, 0).firstCursorPosition().insertHtml(f"<b>{escape(label)}</b>")
        table.cellAt(row, 1).firstCursorPosition().insertMarkdown(answer or " ")
    cursor.movePosition(QTextCursor.MoveOperation.End)
    _fresh_block(cursor)
    cursor.insertHtml("<h3>Themes of the Code</h3>")
    _fresh_block(cursor)
    themes = cursor.insertTable(len(account.themes) + 1, 2, table_format)
    themes.cellAt(0, 0).firstCursorPosition().insertHtml("<b>Theme</b>")
    themes.cellAt(0, 1).firstCursorPosition().insertHtml("<b>Relevant to this account</b>")
    for row, (name, chosen) in enumerate(account.themes, start=1):
        themes.cellAt(row, 0).firstCursorPosition().insertText(name)
        themes.cellAt(row, 1).firstCursorPosition().insertHtml(
            "<b>Yes</b>" if chosen else "No"
        )
    cursor.movePosition(QTextCursor.MoveOperation.End)
    if account.other:
        cursor.insertHtml("<h3>Other notes</h3>")
        _fresh_block(cursor)
        cursor.insertMarkdown(account.other)
        cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertHtml(
        f"<p><i>{escape(NO_IDENTIFIERS)} Copy these answers onto the NMC's approved "
        "reflective account form for your revalidation portfolio.</i></p>"
    )


def journal_document(entries: Sequence[Entry]) -> QTextDocument:
    """Every entry on its own page(s), in the order given."""
    document = QTextDocument()
    font = QFont()
    font.setPointSize(PDF_POINT_SIZE)
    document.setDefaultFont(font)
    cursor = QTextCursor(document)
    for index, entry in enumerate(entries):
        if index:
            _fresh_block(cursor, page_break=True)
        if entry.template_id == NMC_TEMPLATE_ID:
            _insert_nmc(cursor, entry)
        else:
            _insert_entry(cursor, entry)
        cursor.movePosition(QTextCursor.MoveOperation.End)
    return document


def save_journal_pdf(entries: Sequence[Entry], path: Path, *, title: str = "Journal") -> None:
    """Write an A4 PDF of `entries` to `path`; OSError names the file if it cannot be written.

    Needs a QGuiApplication (the command line makes an offscreen one). The caller decides
    the file's permissions: create it owner-only before calling, as the export command does.
    """
    with path.open("ab"):  # fails with a precise reason (no folder, read-only) before Qt tries
        pass
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator(APP_NAME)
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                    QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    )
    document = journal_document(entries)
    document.print_(writer)
    del writer  # the file is finished when the writer is destroyed
    if not path.is_file() or path.stat().st_size == 0:
        raise OSError(0, "the PDF writer produced no file", str(path))


def export_journal_pdf(entries: Sequence[Entry], path: Path) -> Path:
    """Export `entries` as a PDF at `path`: a new owner-only file, removed again on failure.

    Shared by the export dialog and `journal export`, so both refuse an existing file and
    never leave a readable or half-written PDF behind.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    os.close(os.open(path, flags, FILE_MODE))  # owner-only before Qt writes a byte
    if os.name == "posix":
        path.chmod(FILE_MODE)  # whatever the umask said
    try:
        save_journal_pdf(entries, path, title="Journal")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
