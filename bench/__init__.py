"""Benchmarks: python -m bench [--quick] writes bench/results.md."""
