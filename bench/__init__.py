"""Benchmarks of OpsConductor. Run each module with `python -m bench.<name>`."""
