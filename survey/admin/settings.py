"""Staff pages: settings (filled in below)."""
