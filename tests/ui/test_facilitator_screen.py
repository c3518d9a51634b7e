"""The facilitator view fills the chosen screen (a shared display), found by its name.

Qt's offscreen platform can describe several screens in a JSON file, so a child process sees
a laptop and a projector; the test process keeps its single-screen QApplication.
"""

from __future__ import annotations

from tests.ui.screen_config import LAPTOP, run_on_screens

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
from app.ui.facilitator_screen import show_full_screen_on, screen_label
app = QApplication([])
window = QWidget()
window.resize(400, 300)
window.show()
app.processEvents()
choice = show_full_screen_on(window, sys.argv[1])
app.processEvents()
print(window.screen().name(), window.isFullScreen(), window.geometry().x(),
      screen_label(window.screen()), sep="|")
print(choice.notice)
"""


def test_fills_the_named_screen(tmp_path):
    first, notice = run_on_screens(tmp_path, SCRIPT, "HDMI-1")
    name, full, x, label = first.split("|")
    assert (name, full, int(x)) == ("HDMI-1", "True", 1280)
    assert label == "HDMI-1 (1920 × 1080)"
    assert notice == ""


def test_missing_screen_falls_back_and_says_so(tmp_path):
    first, notice = run_on_screens(tmp_path, SCRIPT, "Projector-in-room-4")
    name, full, _x, _label = first.split("|")
    assert full == "True" and name in {"Laptop", "HDMI-1"}
    assert "'Projector-in-room-4' is not connected" in notice



MENU_SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication
from app.core.settings import Settings
from app.ui.main_window import MainWindow
app = QApplication([])
window = MainWindow([], [], Settings())
window._fill_screen_menu()
print("|".join(a.text() for a in window.screen_menu.actions()))
print(window.screen_menu.actions()[0].isChecked())
window.settings_changed.connect(lambda s: print("saved", s.facilitator_screen))
window.screen_menu.actions()[1].trigger()
window.set_facilitator_screen("HDMI-9")
window._fill_screen_menu()
print(window.screen_menu.actions()[-1].text(), window.screen_menu.actions()[-1].isChecked())
"""


def test_view_menu_lists_screens_by_name_and_remembers_the_choice(tmp_path):
    out = run_on_screens(tmp_path, MENU_SCRIPT, screens=(LAPTOP,))
    assert out[0] == "The screen this window is on|Laptop (1280 × 800)"
    assert out[1] == "True"
    assert out[2] == "saved Laptop"
    assert out[3:] == ["saved HDMI-9", "HDMI-9 (not connected) True"]
