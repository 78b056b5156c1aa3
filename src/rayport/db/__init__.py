"""Data layer plumbing: engine, sessions, unit of work, declarative base, migrations."""
