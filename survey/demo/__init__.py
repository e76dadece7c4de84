"""The demo organisation 'Gemeente Voorbeeld' with surveys and 14 months of responses."""
