"""Light/dark, text size and what keeps them readable: contrast, the focus ring, check boxes.

Qt is asked for the colour scheme first; where the platform cannot switch (X11 without a
desktop portal, the offscreen platform) the app sets a palette of its own instead. Whatever
palette is in force, its text pairs are brought up to WCAG AA (4.5:1). The focus ring
and the check-box outlines that use these colours are in app/ui/accessible_style.py.
"""

from __future__ import annotations

from typing import Final

from PySide6 import QtCore
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.core.settings import Appearance

#: WCAG 2 AA: normal text, and the parts of a control that say what it is (1.4.11).
TEXT_CONTRAST: Final = 4.5
NON_TEXT_CONTRAST: Final = 3.0
#: (text, background, the role that gives way when the pair is too faint).
TEXT_PAIRS: Final = (
    ("Text", "Base", "Text"),
    ("WindowText", "Window", "WindowText"),
    ("HighlightedText", "Highlight", "Highlight"),
    ("PlaceholderText", "Base", "PlaceholderText"),
    ("ButtonText", "Button", "ButtonText"),
    ("Link", "Base", "Link"),
)
_MIX_STEPS: Final = 64
#: Colours that must change aim this much past the threshold, so 8-bit rounding cannot undo it.
_HEADROOM: Final = 0.1


def _scheme(appearance: Appearance) -> QtCore.Qt.ColorScheme:
    """Qt's name for the choice (Unknown means 'follow the platform').

    `QtCore.Qt` is reached only here, at run time: binding the name `Qt` at import builds
    all of Qt's enums (about 20 ms) before the window can show.
    """
    scheme = QtCore.Qt.ColorScheme
    return {
        Appearance.SYSTEM: scheme.Unknown,
        Appearance.LIGHT: scheme.Light,
        Appearance.DARK: scheme.Dark,
    }[appearance]


# ----- contrast (WCAG 2) -----
def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an opaque sRGB colour, 0 (black) to 1 (white)."""
    def linear(channel: float) -> float:  # sRGB to linear light
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4
    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


def over(colour: QColor, background: QColor) -> QColor:
    """What a translucent colour looks like drawn on `background` (placeholder text is)."""
    return mix(background, colour, colour.alphaF())


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21; a translucent foreground is first laid on the background."""
    lighter, darker = sorted((relative_luminance(over(foreground, background)),
                              relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(start: QColor, end: QColor, amount: float) -> QColor:
    """`amount` of the way from start to end (opaque)."""
    return QColor.fromRgbF(*(a + (b - a) * amount for a, b in (
        (start.redF(), end.redF()), (start.greenF(), end.greenF()),
        (start.blueF(), end.blueF()))))


def _towards_contrast(colour: QColor, against: tuple[QColor, ...], ratio: float) -> QColor:
    """The colour moved towards black or white, away from `against`.

    Just far enough to reach `ratio` with each of them (or as far as it can go).
    """
    black, white = QColor(0, 0, 0), QColor(255, 255, 255)
    target = black if (min(contrast_ratio(black, c) for c in against)
                       >= min(contrast_ratio(white, c) for c in against)) else white
    start = over(colour, against[0])
    for step in range(_MIX_STEPS + 1):
        moved = mix(start, target, step / _MIX_STEPS)
        if all(contrast_ratio(moved, c) >= ratio for c in against):
            return moved
    return target


def _role(name: str) -> QPalette.ColorRole:
    role: QPalette.ColorRole = getattr(QPalette.ColorRole, name)
    return role


def _needed_changes(palette: QPalette) -> list[tuple[QPalette.ColorGroup, str, QColor]]:
    changes = []
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for text, background, gives_way in TEXT_PAIRS:
            fg, bg = palette.color(group, _role(text)), palette.color(group, _role(background))
            if contrast_ratio(fg, bg) >= TEXT_CONTRAST:
                continue
            aim = TEXT_CONTRAST + _HEADROOM
            changes.append((group, gives_way, _towards_contrast(fg, (bg,), aim)
                            if gives_way == text else _towards_contrast(bg, (fg,), aim)))
    return changes


def contrast_fixes(palette: QPalette) -> QPalette:
    """Only the colours that must change for every pair in TEXT_PAIRS to reach TEXT_CONTRAST.

    Active and inactive windows are checked; a pair that already meets it is left alone, and
    disabled text (exempt in WCAG) keeps its quieter look. The result sets no other role, so
    `app.setPalette(fixes)` leaves the rest of the platform's palette free to follow it.
    """
    fixes = QPalette()
    for group, role, colour in _needed_changes(palette):
        fixes.setColor(group, _role(role), colour)
    return fixes


def accessible_palette(palette: QPalette) -> QPalette:
    """The palette with its text pairs brought up to WCAG AA.

    With nothing to fix, a copy: `resolve` from an empty set of fixes would clear the
    resolve mask, and Qt would then take the palette as "not set".
    """
    fixes = contrast_fixes(palette)
    return fixes.resolve(palette) if fixes.resolveMask() else QPalette(palette)


def focus_ring_colour(palette: QPalette) -> QColor:
    """The accent if it stands out 3:1 from window, fields and buttons; else the link colour.

    Failing both, a shade of the window's text colour that does.
    """
    behind = tuple(palette.color(_role(name)) for name in ("Window", "Base", "Button"))
    for name in ("Highlight", "Link"):
        colour = palette.color(_role(name))
        if all(contrast_ratio(colour, b) >= NON_TEXT_CONTRAST for b in behind):
            return colour
    return _towards_contrast(palette.color(_role("WindowText")), behind,
                             NON_TEXT_CONTRAST + _HEADROOM)


def control_outline(palette: QPalette) -> QColor:
    """A grey between window and text that marks a check box 3:1 against window and field.

    Fusion outlines its check boxes in a darker shade of the window colour, which on a
    dark window all but vanishes.
    """
    window, base = palette.color(_role("Window")), palette.color(_role("Base"))
    text = palette.color(_role("WindowText"))
    for step in range(_MIX_STEPS + 1):
        colour = mix(window, text, step / _MIX_STEPS)
        if min(contrast_ratio(colour, window),
               contrast_ratio(colour, base)) >= NON_TEXT_CONTRAST + _HEADROOM:
            return colour
    return text


# ----- palettes -----
# Built on first use: touching Qt's enums at import time costs start-up time.
_DARK = {
    "Window": "#1e2225", "WindowText": "#e9e6e1", "Base": "#15181a", "AlternateBase": "#23282b",
    "Text": "#e9e6e1", "Button": "#2a3034", "ButtonText": "#e9e6e1", "Highlight": "#2f777c",
    "HighlightedText": "#ffffff", "ToolTipBase": "#2a3034", "ToolTipText": "#e9e6e1",
    "Link": "#8fd0d4", "LinkVisited": "#b9a6d9", "PlaceholderText": "#9a9894",
    "BrightText": "#ffffff", "Light": "#3a4145", "Midlight": "#30363a", "Mid": "#262b2e",
    "Dark": "#111315", "Shadow": "#000000", "Accent": "#2f777c",
}
_DARK_DISABLED = {"WindowText": "#7c7a77", "Text": "#7c7a77", "ButtonText": "#7c7a77"}


def dark_palette() -> QPalette:
    """A calm dark palette; every text pair is above WCAG AA as it stands."""
    palette = QPalette()
    for name, colour in _DARK.items():
        palette.setColor(_role(name), QColor(colour))
    for name, colour in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, _role(name), QColor(colour))
    return palette


def light_palette(app: QApplication) -> QPalette:
    """The style's own light palette, its selection and placeholder darkened to AA."""
    return accessible_palette(app.style().standardPalette())


def _meet_text_contrast(app: QApplication) -> None:
    """Bring the palette in force up to AA, setting only the colours that must change."""
    fixes = contrast_fixes(app.palette())
    if fixes.resolveMask():
        app.setPalette(fixes)


def apply_appearance(
    app: QApplication, appearance: Appearance, system_palette: QPalette, *, at_start: bool = False
) -> None:
    """Ask Qt for the scheme; set our own palette when the platform cannot switch.

    At start-up "follow the system" needs no colour scheme call: Qt already follows, and
    skipping it spares building Qt's enum namespace before the window shows. The outlined
    check boxes and the focus ring come after the first paint (`install_accessible_style`,
    from `Companion.start_desktop`, which runs before any setting can be changed).
    """
    if at_start and appearance is Appearance.SYSTEM:
        _meet_text_contrast(app)
        return
    hints = app.styleHints()
    hints.setColorScheme(_scheme(appearance))
    if appearance is Appearance.SYSTEM:
        app.setPalette(accessible_palette(system_palette))
    elif hints.colorScheme() == _scheme(appearance):
        _meet_text_contrast(app)  # the platform switched its own palette
    elif appearance is Appearance.DARK:
        app.setPalette(dark_palette())
    else:
        app.setPalette(light_palette(app))


def scaled_font(base: QFont, factor: float) -> QFont:
    """A copy of `base` `factor` times larger, whether it is sized in points or pixels."""
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * factor)
    elif base.pixelSize() > 0:
        font.setPixelSize(round(base.pixelSize() * factor))
    return font


def apply_text_scale(app: QApplication, base: QFont, scale: float) -> None:
    """Scale the application font from the system's own size, so layouts grow with it."""
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * scale)
    else:
        font.setPixelSize(max(8, round(base.pixelSize() * scale)))
    app.setFont(font)
