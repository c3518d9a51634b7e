"""Appearance: every palette the app sets meets WCAG AA, focus is ringed, check boxes show."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QLineEdit,
    QListWidget,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import Appearance
from app.ui.accessible_style import FOCUS_RING_WIDTH, FocusRing, install_accessible_style
from app.ui.appearance import (
    NON_TEXT_CONTRAST,
    TEXT_CONTRAST,
    TEXT_PAIRS,
    apply_appearance,
    contrast_fixes,
    contrast_ratio,
    control_outline,
    dark_palette,
    focus_ring_colour,
)

GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)


def role(name: str) -> QPalette.ColorRole:
    found: QPalette.ColorRole = getattr(QPalette.ColorRole, name)
    return found


def pair_ratios(palette: QPalette) -> dict[str, float]:
    return {f"{group.name} {fg}/{bg}": contrast_ratio(palette.color(group, role(fg)),
                                                     palette.color(group, role(bg)))
            for group in GROUPS for fg, bg, _ in TEXT_PAIRS}


@pytest.fixture
def app_palette(qapp):
    """Whatever a test sets, the shared QApplication gets its palette and scheme back."""
    before = QPalette(qapp.palette())
    yield qapp
    qapp.styleHints().setColorScheme(qapp.styleHints().colorScheme().Unknown)
    qapp.setPalette(before)


def test_wcag_contrast_ratio_matches_known_values():
    white, black = QColor("#ffffff"), QColor("#000000")
    assert contrast_ratio(white, black) == pytest.approx(21.0)
    assert contrast_ratio(black, white) == pytest.approx(21.0)
    assert contrast_ratio(white, white) == pytest.approx(1.0)
    # What the review measured: Fusion's selection, the old dark selection, half-black on white.
    assert contrast_ratio(white, QColor(48, 141, 199)) == pytest.approx(3.65, abs=0.01)
    assert contrast_ratio(white, QColor("#3b8a8f")) == pytest.approx(4.02, abs=0.01)
    assert contrast_ratio(QColor(0, 0, 0, 128), white) == pytest.approx(4.0, abs=0.05)


@pytest.mark.parametrize("appearance", list(Appearance))
def test_every_text_pair_the_app_sets_meets_aa(app_palette, appearance):
    apply_appearance(app_palette, appearance, QPalette(app_palette.palette()))
    ratios = pair_ratios(app_palette.palette())
    assert {pair: round(r, 2) for pair, r in ratios.items() if r < TEXT_CONTRAST} == {}


def test_the_platform_palette_at_start_is_brought_up_to_aa(app_palette):
    plain = app_palette.style().standardPalette()
    assert min(pair_ratios(plain).values()) < TEXT_CONTRAST, "Fusion's own falls short"
    app_palette.setPalette(plain)
    apply_appearance(app_palette, Appearance.SYSTEM, plain, at_start=True)
    ratios = pair_ratios(app_palette.palette())
    assert min(ratios.values()) >= TEXT_CONTRAST, ratios
    kept = app_palette.palette()
    for name in ("Window", "Base", "Text", "Button"):  # only the faint colours changed
        assert kept.color(role(name)) == plain.color(role(name)), name


def test_a_palette_that_already_meets_aa_is_left_alone():
    assert contrast_fixes(dark_palette()).resolveMask() == 0
    assert min(pair_ratios(dark_palette()).values()) >= TEXT_CONTRAST


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_focus_ring_and_check_box_outline_stand_out_3_to_1(qapp, palette):
    pal = dark_palette() if palette == "dark" else qapp.style().standardPalette()
    behind = [pal.color(role(name)) for name in ("Window", "Base", "Button")]
    ring = focus_ring_colour(pal)
    assert min(contrast_ratio(ring, b) for b in behind) >= NON_TEXT_CONTRAST
    outline = control_outline(pal)
    assert contrast_ratio(outline, pal.color(role("Window"))) >= NON_TEXT_CONTRAST
    assert contrast_ratio(outline, pal.color(role("Base"))) >= NON_TEXT_CONTRAST


@pytest.fixture
def focus_window(qtbot, qapp):
    install_accessible_style(qapp)
    window = QWidget()
    layout = QVBoxLayout(window)
    search = QLineEdit(window)
    search.setAccessibleName("Search")
    practices = QListWidget(window)
    practices.setAccessibleName("Practices")
    practices.addItems(["One", "Two"])
    layout.addWidget(search)
    layout.addWidget(practices)
    qtbot.addWidget(window)
    window.resize(300, 300)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window, search, practices


def ring_of(widget: QWidget) -> FocusRing:
    rings = widget.window().findChildren(FocusRing)
    assert len(rings) == 1
    return rings[0]


def test_the_focus_ring_follows_focus_just_outside_the_widget(qtbot, focus_window):
    window, search, practices = focus_window
    practices.setFocus()
    qtbot.waitUntil(lambda: ring_of(window).widget() is practices, timeout=2000)
    ring = ring_of(window)
    assert ring.isVisible()
    grown = practices.geometry().adjusted(-FOCUS_RING_WIDTH, -FOCUS_RING_WIDTH,
                                          FOCUS_RING_WIDTH, FOCUS_RING_WIDTH)
    assert ring.geometry() == grown
    search.setFocus()
    qtbot.waitUntil(lambda: ring.widget() is search, timeout=2000)
    assert ring.geometry().contains(search.geometry())


def test_the_ring_is_drawn_3_to_1_against_the_window(qtbot, focus_window):
    window, _search, practices = focus_window
    practices.setFocus()
    qtbot.waitUntil(lambda: ring_of(window).widget() is practices, timeout=2000)
    image = window.grab().toImage()
    middle = practices.geometry().center().y()
    outside = QPoint(practices.geometry().left() - FOCUS_RING_WIDTH, middle)
    drawn = image.pixelColor(outside)
    background = window.palette().color(role("Window"))
    assert contrast_ratio(drawn, background) >= NON_TEXT_CONTRAST, drawn.name()


def test_dark_check_box_shows_its_box(qtbot, qapp):
    install_accessible_style(qapp)
    box = QCheckBox("Sat")
    box.setPalette(dark_palette())
    qtbot.addWidget(box)
    box.resize(box.sizeHint())
    option = QStyleOptionButton()
    box.initStyleOption(option)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    edge = image.pixelColor(indicator.left(), indicator.center().y())
    window = dark_palette().color(role("Window"))
    assert contrast_ratio(edge, window) >= NON_TEXT_CONTRAST, edge.name()
