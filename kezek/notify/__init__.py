"""Notifications: Web Push, Telegram and SMS for visitors and managers, sent outside requests; no personal datum outlives its ticket."""
