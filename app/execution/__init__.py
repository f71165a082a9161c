"""The execution engine run by the RQ worker; it imports no view code."""
