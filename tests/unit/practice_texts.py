"""A small valid practice as TOML text, for tests that break it one field at a time."""

VALID = '''
format = 1
id = "test-pause"
title = "Test Pause"
minutes = 2
who = ["group", "team"]
group_size = { min = 2, max = 8 }
summary = "A tiny practice used by the tests."
purpose = "To check the loader."
ground_rules = ["Listen."]
closing_prompt = "One step I will take is..."

[[roles]]
name = "host"
duty = "Keeps time."

[[steps]]
title = "Arrive"
seconds = 30
kind = "talk"
prompt = "Welcome."

[[steps]]
title = "Round"
seconds = 90
kind = "round"
prompt = "Each person says one word."
speaker_seconds = 10

[credit]
source = "The test suite."
'''
