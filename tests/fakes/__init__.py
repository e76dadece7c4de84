"""Fake providers as real HTTP servers on free local ports, speaking each provider's API."""
