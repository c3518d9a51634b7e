"""The start-up log is held in memory until the window has painted, then written in order."""

from __future__ import annotations

import logging

import pytest

from app.platform.logs import hold_logging


@pytest.fixture
def root_logger():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_held_records_reach_the_file_first_and_in_order(tmp_path, root_logger):
    log_file = tmp_path / "logs" / "app.log"
    held = hold_logging(log_file)
    log = logging.getLogger("app.test")
    log.info("first")
    log.debug("not at INFO level")
    log.warning("second")
    assert not log_file.exists(), "nothing is written before the first paint"
    held.open_log()
    log.info("third")
    held.open_log()  # once only: a second call adds no second handler
    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert [line.rsplit(": ", 1)[1] for line in lines] == ["first", "second", "third"]
    assert held not in root_logger.handlers
    assert sum(h is held.file_handler for h in root_logger.handlers) == 1


def test_past_the_limit_the_loss_is_counted_in_the_log(tmp_path, root_logger):
    from app.platform.logs import HeldRecords

    held = HeldRecords(tmp_path / "app.log", limit=2)
    root_logger.addHandler(held)
    root_logger.setLevel(logging.INFO)
    for n in range(5):
        logging.getLogger("app.test").info("record %d", n)
    held.open_log()
    text = (tmp_path / "app.log").read_text(encoding="utf-8")
    assert "record 0" in text and "record 1" in text and "record 2" not in text
    assert "3 start-up log records were not kept" in text
