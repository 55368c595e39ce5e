"""The event log: the append-only hash chain every change is written to, the facts reports fold from it, and the audit view."""
