"""Jobs: ordered steps and typed parameters."""
