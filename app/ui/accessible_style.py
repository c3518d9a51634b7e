"""What the platform style leaves too faint, added app-wide rather than widget by widget.

A 2 px ring just outside whichever widget has keyboard focus (a QFocusFrame, so no widget's
own look or size changes), and an outline on check boxes and radio buttons, both 3:1
against what surrounds them (colours from app/ui/appearance.py). Kept apart from the
palettes because building QStyle's classes costs milliseconds: this loads after the
window's first paint.
"""

from __future__ import annotations

from typing import Final

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRectF
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QRegion
from PySide6.QtWidgets import (
    QApplication,
    QFocusFrame,
    QProxyStyle,
    QStyle,
    QStyleHintReturn,
    QStyleOption,
    QWidget,
)

from app.ui.appearance import control_outline, focus_ring_colour

FOCUS_RING_WIDTH: Final = 2


class AccessibleStyle(QProxyStyle):
    """The platform's style, with check boxes and radio buttons outlined to be seen.

    The base style is the one Qt would have chosen (the desktop's, or `-style`), so the app
    keeps the platform's look everywhere else. It overrides one method only: each Python
    override is a call from C++ into Python on every use, and they add up at start-up.
    The outline colour is kept for the last palette seen: working it out costs about
    half a millisecond, on every check box painted.
    """

    def __init__(self) -> None:
        super().__init__()
        self._outline: tuple[int, QColor] | None = None  # (palette.cacheKey(), colour)

    def _outline_for(self, palette: QPalette) -> QColor:
        key = palette.cacheKey()
        if self._outline is None or self._outline[0] != key:
            self._outline = (key, control_outline(palette))
        return self._outline[1]

    def drawPrimitive(
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        """Check boxes and radio buttons get an outline that can be seen on any window."""
        super().drawPrimitive(element, option, painter, widget)
        kinds = QStyle.PrimitiveElement
        if element not in (kinds.PE_IndicatorCheckBox, kinds.PE_IndicatorRadioButton):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(QColor(0, 0, 0, 0))
        painter.setPen(QPen(self._outline_for(option.palette), 1))
        box = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if element == kinds.PE_IndicatorRadioButton:
            painter.drawEllipse(box)
        else:
            painter.drawRect(box)
        painter.restore()


class FocusRingStyle(QProxyStyle):
    """The ring's own style: it sits above the widget, FOCUS_RING_WIDTH outside it."""

    def styleHint(
        self, hint: QStyle.StyleHint, option: QStyleOption | None = None,
        widget: QWidget | None = None, returnData: QStyleHintReturn | None = None,
    ) -> int:
        """Above the widget (so no neighbour hides it); FocusRing sets its own mask."""
        hints = QStyle.StyleHint
        if hint == hints.SH_FocusFrame_AboveWidget:
            return 1
        if hint == hints.SH_FocusFrame_Mask:
            return 0
        return super().styleHint(hint, option, widget, returnData)

    def pixelMetric(
        self, metric: QStyle.PixelMetric, option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        """How far the ring reaches outside the widget."""
        metrics = QStyle.PixelMetric
        if metric in (metrics.PM_FocusFrameHMargin, metrics.PM_FocusFrameVMargin):
            return FOCUS_RING_WIDTH
        return super().pixelMetric(metric, option, widget)


class FocusRing(QFocusFrame):
    """A ring just outside the focused widget: nothing inside the widget moves or changes."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("focus-ring")
        style = FocusRingStyle()
        style.setParent(self)  # lives as long as the ring
        self.setStyle(style)
        self._colour: tuple[int, QColor] | None = None  # (palette.cacheKey(), ring colour)

    def _ring_colour(self) -> QColor:
        """The focus colour for the palette in force, worked out once per palette."""
        palette = self.palette()
        key = palette.cacheKey()
        if self._colour is None or self._colour[0] != key:
            self._colour = (key, focus_ring_colour(palette))
        return self._colour[1]

    def event(self, event: QEvent) -> bool:
        """Keep only the ring itself in the window (QFocusFrame handles the resizes)."""
        handled = super().event(event)
        if event.type() == QEvent.Type.Resize:
            outer = self.rect()
            inner = outer.adjusted(FOCUS_RING_WIDTH, FOCUS_RING_WIDTH,
                                   -FOCUS_RING_WIDTH, -FOCUS_RING_WIDTH)
            self.setMask(QRegion(outer).subtracted(QRegion(inner)))
        return handled

    def paintEvent(self, _event: QPaintEvent) -> None:
        """A solid ring in the focus colour, slightly rounded like the controls."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        half = FOCUS_RING_WIDTH / 2
        painter.setPen(QPen(self._ring_colour(), FOCUS_RING_WIDTH))
        painter.setBrush(QColor(0, 0, 0, 0))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half),
                                FOCUS_RING_WIDTH + 1, FOCUS_RING_WIDTH + 1)


class FocusRingFollower(QObject):
    """Moves the one focus ring to whichever widget has keyboard focus."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("focus-ring-follower")
        self._ring: FocusRing | None = None
        app.focusChanged.connect(self._on_focus_changed)

    @property
    def ring(self) -> FocusRing | None:
        """The ring, if one is alive (it goes with the window it was last shown in)."""
        if self._ring is not None and not shiboken6.isValid(self._ring):
            self._ring = None
        return self._ring

    def _on_focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        ring = self.ring
        if now is None or now.isWindow():
            if ring is not None:
                ring.setWidget(None)  # type: ignore[arg-type]  # None hides it
            return
        if ring is None:
            ring = self._ring = FocusRing(now.window())
        ring.setWidget(now)


def install_accessible_style(app: QApplication) -> None:
    """Wrap the platform style once and start the focus ring following focus."""
    if not isinstance(app.style(), AccessibleStyle):
        app.setStyle(AccessibleStyle())
    if app.findChild(FocusRingFollower, "focus-ring-follower") is None:
        FocusRingFollower(app)
