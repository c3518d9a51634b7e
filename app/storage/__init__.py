"""SQLite storage (stdlib sqlite3): connections, migrations, repositories."""
