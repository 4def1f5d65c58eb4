"""Structural-variant readers: fusion and SV tables."""
