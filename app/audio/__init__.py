"""Audio output behind the AudioPlayer protocol."""
