"""Turns and feedback: SQLite by default, PostgreSQL by URL; retention."""
