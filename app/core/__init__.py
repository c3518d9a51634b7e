"""Plain-Python core: no PySide6, no pygame (tests/unit/test_core_imports.py enforces it)."""
