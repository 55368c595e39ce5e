"""The office's configuration and accounts: offices, services, desks, users and devices."""
