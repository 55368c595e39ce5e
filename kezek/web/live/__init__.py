"""Socket.IO: the server and its pushes after commit, the screens' connections, printing, background work."""
