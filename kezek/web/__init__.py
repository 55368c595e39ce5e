"""The Flask adapter: REST API, Socket.IO, pages. Thin: parse, call the engine, emit, answer."""
