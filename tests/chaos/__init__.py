"""Fault-injection tests: Redis refused or frozen, PostgreSQL restarted, the 3X-UI panel down
or slow, notifier workers killed with SIGKILL — each under load, each bounded in time."""
