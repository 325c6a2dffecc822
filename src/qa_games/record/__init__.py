"""The empirical record (placeholder)."""
