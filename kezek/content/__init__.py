"""The hall's content: media files and playlists for the display, notices, each service's what to bring."""
