"""The API blueprints under /api/v1: queue, configuration, reports, bookings, printing, the OpenAPI document."""
