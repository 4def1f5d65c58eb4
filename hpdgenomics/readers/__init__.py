"""Readers: one module per input format, each turning a file into model objects (they know nothing of rules)."""
