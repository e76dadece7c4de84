"""Staff pages: users (filled in below)."""
