"""Use-cases, one verb each. The only code that commits."""
