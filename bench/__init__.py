"""Benchmarks that print ratios measured side by side in one run (``make bench``); see _kit.py."""
