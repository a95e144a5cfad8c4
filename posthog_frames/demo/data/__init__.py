"""The demo project's data: account, persons, event log and saved insights, all seeded."""
