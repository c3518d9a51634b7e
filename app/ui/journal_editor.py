"""Writing one journal entry: title, Markdown body with a live preview, tags, mood, templates.

Every change arms one autosave a second later (not restarted by further typing, so steady
typing still saves every second); the draft goes through the repository's encrypted draft
API. A crash therefore loses about a second of writing. Save stores the entry itself; if the
disk refuses, the text stays in the editor and one line says what happened.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import Cancellable, Clock, Scheduler
from app.core.journal import (
    TEMPLATES,
    Entry,
    Mood,
    Template,
    edit_entry,
    new_entry,
    render_template,
    template_by_id,
)
from app.core.time_text import moment_text
from app.storage.journal_repo import JournalRepository, RepositoryError

AUTOSAVE_SECONDS: Final = 1.0


def parse_tags(text: str) -> tuple[str, ...]:
    """Comma- or space-separated tags, '#' optional, duplicates dropped (first spelling kept)."""
    seen: set[str] = set()
    tags: list[str] = []
    for raw in text.replace(",", " ").split():
        tag = raw.strip().lstrip("#")
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags)


class JournalEditor(QWidget):
    """Edits one entry at a time; `saved` carries the stored Entry."""

    saved = Signal(object)  # Entry

    def __init__(
        self,
        repo: JournalRepository,
        clock: Clock,
        scheduler: Scheduler,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._repo = repo
        self._clock = clock
        self._scheduler = scheduler
        self._entry = new_entry(clock)
        self._is_new = True
        self._loading = False
        self._unsaved = False  # differs from the stored entry
        self._draft_stale = False  # differs from the last draft written
        self._pending: Cancellable | None = None

        self.title = QLineEdit(self)
        self.title.setObjectName("entry-title")
        self.title.setAccessibleName("Title")
        self.title.setPlaceholderText("A title (optional)")
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        self.title.setFont(title_font)

        self.template = QComboBox(self)
        self.template.setAccessibleName("Template")
        self.template.addItem("Choose a template…", None)
        for template in TEMPLATES:
            self.template.addItem(template.name, template.id)
            self.template.setItemData(self.template.count() - 1, template.summary,
                                      Qt.ItemDataRole.ToolTipRole)
        self.insert_button = QPushButton("&Insert template", self)
        self.insert_button.setAccessibleName("Insert the chosen template")
        self.insert_button.setEnabled(False)

        self.tags = QLineEdit(self)
        self.tags.setAccessibleName("Tags")
        self.tags.setPlaceholderText("e.g. handover, team, learning")
        self.mood = QComboBox(self)
        self.mood.setAccessibleName("Mood")
        self.mood.addItem("Not recorded", None)
        for mood in Mood:
            self.mood.addItem(f"{int(mood)} · {mood.label}", int(mood))

        self.body = QPlainTextEdit(self)
        self.body.setObjectName("entry-body")
        self.body.setAccessibleName("Entry text (Markdown)")
        self.body.setPlaceholderText(
            "Write here. Markdown works: ## for a heading, *stars* for emphasis, - for a list."
        )
        self.body.setTabChangesFocus(True)
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("entry-preview")
        self.preview.setAccessibleName("Preview")
        self.preview.setOpenLinks(False)
        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.body)
        self.splitter.addWidget(self.preview)
        self.splitter.setChildrenCollapsible(False)

        self.preview_button = QPushButton(self)
        self.preview_button.setCheckable(True)
        self.preview_button.setChecked(True)
        self.preview_button.setAccessibleName("Show the preview")
        self.save_button = QPushButton("&Save", self)
        self.save_button.setObjectName("save-entry")
        self.save_button.setAccessibleName("Save the entry")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.times = QLabel(self)
        self.times.setObjectName("entry-times")
        self.times.setAccessibleName("Created and edited")
        self.status = QLabel(self)
        self.status.setObjectName("editor-status")
        self.status.setAccessibleName("Saving status")
        self.status.setWordWrap(True)

        form = QFormLayout()
        label = QLabel("&Title:", self)
        label.setBuddy(self.title)
        form.addRow(label, self.title)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template, 1)
        template_row.addWidget(self.insert_button)
        label = QLabel("Te&mplate:", self)
        label.setBuddy(self.template)
        form.addRow(label, template_row)
        meta_row = QHBoxLayout()
        meta_row.addWidget(self.tags, 2)
        mood_label = QLabel("M&ood:", self)
        mood_label.setBuddy(self.mood)
        meta_row.addWidget(mood_label)
        meta_row.addWidget(self.mood, 1)
        label = QLabel("Ta&gs:", self)
        label.setBuddy(self.tags)
        form.addRow(label, meta_row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.times, 1)
        bottom.addWidget(self.preview_button)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)

        self.title.textChanged.connect(self._changed)
        self.tags.textChanged.connect(self._changed)
        self.mood.currentIndexChanged.connect(self._changed)
        self.body.textChanged.connect(self._body_changed)
        self.template.currentIndexChanged.connect(
            lambda _i: self.insert_button.setEnabled(self.template.currentData() is not None)
        )
        self.insert_button.clicked.connect(self.insert_chosen_template)
        self.preview_button.toggled.connect(self.set_preview_visible)
        self.save_button.clicked.connect(self.save)
        save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        self.setFocusProxy(self.body)
        self.set_preview_visible(True)
        self.load(self._entry, is_new=True)

    # ----- state -----
    @property
    def entry(self) -> Entry:
        """The entry as last loaded or saved (not including unsaved edits)."""
        return self._entry

    @property
    def is_new(self) -> bool:
        """True until the entry has been saved once."""
        return self._is_new

    @property
    def has_unsaved_changes(self) -> bool:
        """True when what is on screen differs from the stored entry."""
        return self._unsaved

    @property
    def autosave_pending(self) -> bool:
        """True while a draft save is scheduled."""
        return self._pending is not None

    def is_blank(self) -> bool:
        """Nothing worth keeping typed yet."""
        return not (self.title.text().strip() or self.body.toPlainText().strip()
                    or self.tags.text().strip())

    def has_work_to_keep(self) -> bool:
        """Unsaved changes other than a new entry still left empty."""
        return self._unsaved and not (self._is_new and self.is_blank())

    def load(self, entry: Entry, *, is_new: bool, note: str = "") -> None:
        """Show `entry`; `note` explains where it came from (e.g. a restored draft)."""
        self._cancel_pending()
        self._loading = True
        try:
            self._entry = entry
            self._is_new = is_new
            self.title.setText(entry.title)
            self.tags.setText(", ".join(entry.tags))
            self.mood.setCurrentIndex(0 if entry.mood is None else int(entry.mood))
            self.body.setPlainText(entry.body)
            self.template.setCurrentIndex(0)
        finally:
            self._loading = False
        self._unsaved = False
        self._draft_stale = False
        self._update_times(entry)
        self.status.setText(note)

    def start_new(self, template: Template | None = None) -> None:
        """A fresh, empty entry (or one started from a template)."""
        title = template.name if template else ""
        self.load(new_entry(self._clock, template=template, title=title), is_new=True)

    def mark_unsaved(self) -> None:
        """A restored draft: on screen but not yet stored as the entry."""
        self._unsaved = True

    def current_entry(self) -> Entry:
        """What is on screen as an Entry; edited time moves only when something changed."""
        mood_value = self.mood.currentData()
        changes = {
            "title": self.title.text().strip(),
            "body": self.body.toPlainText(),
            "tags": parse_tags(self.tags.text()),
            "mood": None if mood_value is None else Mood(int(mood_value)),
        }
        base = self._entry
        if all(getattr(base, k) == v for k, v in changes.items()):
            return base
        return edit_entry(base, self._clock, **changes)

    # ----- editing -----
    def _changed(self) -> None:
        if self._loading:
            return
        if self._is_new and not self._unsaved:
            # The page may have sat open in the tray for days: a new entry dates from
            # its first word, not from when the empty editor appeared.
            now = self._clock.now()
            self._entry = replace(self._entry, created_at=now, updated_at=now)
            self._update_times(self._entry)
        self._unsaved = True
        self._draft_stale = True
        self._arm_autosave()

    def _arm_autosave(self) -> None:
        if self._pending is None:
            self._pending = self._scheduler.call_later(AUTOSAVE_SECONDS, self._autosave)

    def _body_changed(self) -> None:
        self._update_preview()
        self._changed()

    def insert_chosen_template(self) -> None:
        """Insert the template picked in the chooser."""
        template_id = self.template.currentData()
        if template_id is not None:
            self.insert_template(template_by_id(str(template_id)))

    def insert_template(self, template: Template) -> None:
        """Put the template's headings at the cursor (or fill an empty entry with them)."""
        text = render_template(template)
        if not self.body.toPlainText().strip():
            self.body.setPlainText(text)
        else:
            cursor = self.body.textCursor()
            before = "\n\n" if cursor.positionInBlock() > 0 else "\n"
            cursor.insertText(before + text)
        if self._entry.template_id is None:
            self._entry = replace(self._entry, template_id=template.id)
            self._changed()
        if not self.title.text().strip():
            self.title.setText(template.name)
        self.template.setCurrentIndex(0)
        self.body.setFocus()
        self.status.setText(f"Inserted the {template.name} template.")

    def set_preview_visible(self, visible: bool) -> None:
        """Side-by-side preview on or off (the button says which)."""
        self.preview.setVisible(visible)
        self.preview_button.setChecked(visible)
        self.preview_button.setText("Hide &preview" if visible else "Show &preview")
        self.preview_button.setAccessibleName(
            "Hide the preview" if visible else "Show the preview"
        )
        self._update_preview()

    def _update_preview(self) -> None:
        if self.preview.isVisibleTo(self):
            self.preview.document().setMarkdown(
                self.body.toPlainText(), QTextDocument.MarkdownFeature.MarkdownDialectCommonMark
            )

    def _update_times(self, entry: Entry) -> None:
        if self._is_new:
            self.times.setText(f"New entry, started {moment_text(entry.created_at)}")
        else:
            self.times.setText(
                f"Created {moment_text(entry.created_at)} · "
                f"edited {moment_text(entry.updated_at)}"
            )

    # ----- saving -----
    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _autosave(self) -> None:
        self._pending = None
        self.save_draft_now()

    def save_draft_now(self) -> bool:
        """Write the encrypted draft if anything changed since the last one; stop the timer.

        Also what keeps unsaved work when the page goes away (lock, quit, restore).
        """
        self._cancel_pending()
        if not self._draft_stale:
            return True
        if self._is_new and self.is_blank():
            self._draft_stale = False
            return True
        try:
            draft = self._repo.save_draft(self.current_entry(), is_new=self._is_new)
        except RepositoryError as exc:
            # Kept in memory; the next change tries again.
            self.status.setText(f"Draft not kept: {_first_line(exc)} Your text is still here.")
            return False
        self._draft_stale = False
        self.status.setText(f"Draft kept at {draft.saved_at:%H:%M:%S}; not saved as an entry yet.")
        return True

    def save(self) -> bool:
        """Store the entry (and drop its draft); on failure the text stays on screen."""
        entry = self.current_entry()
        if self._is_new and self.is_blank():
            self.status.setText("Nothing to save yet: write something first.")
            return False
        self._cancel_pending()
        try:
            self._repo.save_entry(entry)  # also drops this entry's drafts, same transaction
        except RepositoryError as exc:
            self.status.setText(f"Not saved: {_first_line(exc)} Your text is still here.")
            self._draft_stale = True
            self._arm_autosave()  # at least keep a draft, should space come free
            return False
        self._entry = entry
        self._is_new = False
        self._unsaved = False
        self._draft_stale = False
        self._update_times(entry)
        self.status.setText(f"Saved at {entry.updated_at:%H:%M}.")
        self.saved.emit(entry)
        return True

    def forget(self) -> None:
        """Empty every field, undo history included (the journal is being locked)."""
        self._cancel_pending()
        self._loading = True
        try:
            self.title.clear()
            self.tags.clear()
            self.body.document().clear()
            self.preview.document().clear()
            self.times.clear()
            self.status.clear()
        finally:
            self._loading = False
        self._unsaved = False
        self._draft_stale = False


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
