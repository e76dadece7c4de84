"""The demo organisation 'Gemeente Voorbeeld' with surveys and 13 months of responses."""
