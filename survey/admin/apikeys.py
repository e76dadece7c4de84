"""Staff pages: apikeys (filled in below)."""
