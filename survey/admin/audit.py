"""Staff pages: audit (filled in below)."""
