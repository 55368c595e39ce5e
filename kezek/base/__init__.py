"""The shared pieces every package stands on: the database and its transactions, errors, time, languages, live event names, idempotency."""
