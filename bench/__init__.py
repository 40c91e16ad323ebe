"""Benchmarks and data generators (`python -m bench.<name>`)."""
