""".NET members the PowerShell subset provides: instance and static members."""
