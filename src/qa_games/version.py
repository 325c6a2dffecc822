"""The package version, importable by every layer (sweeps and reports record it)."""

__version__ = "0.1.0"
