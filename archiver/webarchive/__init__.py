"""Raw captures and the web archive: WARC files (warcio) and the Wayback APIs."""
