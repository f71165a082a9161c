"""Windows hosts reached over WinRM."""
