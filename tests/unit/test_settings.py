"""Settings: defaults, validation naming the field, and upgrade steps from old files."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.settings import (
    SETTINGS_VERSION,
    UPGRADES,
    Appearance,
    Settings,
    SettingsError,
    Voice,
    settings_from_dict,
    settings_to_dict,
    upgrade,
)


def test_defaults_round_trip():
    data = settings_to_dict(Settings())
    assert data["version"] == SETTINGS_VERSION
    assert settings_from_dict(data) == Settings()


def test_values_and_unknown_keys_survive_a_round_trip():
    s = Settings(appearance=Appearance.DARK, text_scale=1.3, bell_enabled=False)
    data = settings_to_dict(s) | {"future_option": [1, 2]}
    again = settings_from_dict(data)
    assert again.appearance is Appearance.DARK
    assert again.text_scale == 1.3
    assert again.extra == {"future_option": [1, 2]}
    assert settings_to_dict(again)["future_option"] == [1, 2]


def test_version_1_file_is_upgraded_with_a_logged_reason():
    messages: list[str] = []
    data = upgrade({"version": 1, "font_size": 12}, messages.append)
    assert data == {"version": SETTINGS_VERSION, "text_scale": 1.2}
    assert messages == [f"settings upgraded to version {step.version}: {step.why}"
                        for step in UPGRADES]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": 99}, "version: expected 3 or older"),
        ({"version": "2"}, "version: expected a whole number"),
        ({"version": 2, "appearance": "purple"}, "appearance: expected one of system, light, dark"),
        ({"version": 2, "text_scale": 9}, "text_scale: expected a number from 0.8 to 2.0"),
        ({"version": 2, "bell_enabled": "yes"}, "bell_enabled: expected true or false"),
        ({"version": 2, "bell_volume": -1}, "bell_volume: expected a number from 0 to 1"),
    ],
)
def test_bad_values_name_the_field(data, message):
    with pytest.raises(SettingsError, match=message):
        settings_from_dict(data)


def test_text_scale_is_clamped():
    assert Settings().with_text_scale(5).text_scale == 2.0
    assert Settings().with_text_scale(0.1).text_scale == 0.8


def test_version_2_idle_lock_seconds_becomes_whole_minutes() -> None:
    settings = settings_from_dict({"version": 2, "idle_lock_seconds": 600})
    assert settings.journal_lock_minutes == 10
    assert "idle_lock_seconds" not in settings.extra


def test_new_fields_round_trip_and_reject_bad_values() -> None:
    settings = replace(Settings(), journal_lock_minutes=15, start_at_login=True,
                       me_space_voice=Voice.OWN, facilitator_screen="HDMI-1")
    assert settings_from_dict(settings_to_dict(settings)) == settings
    with pytest.raises(SettingsError, match="journal_lock_minutes: expected a whole number"):
        settings_from_dict({"version": 3, "journal_lock_minutes": 0})
    with pytest.raises(SettingsError, match="me_space_voice: expected one of bundled, own"):
        settings_from_dict({"version": 3, "me_space_voice": "robot"})
