"""Helpers shared by tests: import-graph checks and output comparison."""
