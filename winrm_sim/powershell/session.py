"""Session facts of the interpreter: automatic variables, paths, stdin and stdout."""

from __future__ import annotations

from typing import Any

from winrm_sim.powershell.dotnet.objects import codepage_encoding
from winrm_sim.powershell.errors import DotNetException, ErrorRecord, PSError
from winrm_sim.powershell.scopes import PREFERENCE_DEFAULTS
from winrm_sim.powershell.values import Hashtable, PSObject
from winrm_sim.vfs import PathError, normalize

PS_VERSION = "5.1.17763.1852"
_OUT_OF_MEMORY = "Exception of type 'System.OutOfMemoryException' was thrown."


def initial_variables(interpreter: Any) -> None:
    """Set the automatic and preference variables every session starts with."""
    scope = interpreter.global_scope
    host = interpreter.host
    for name, value in PREFERENCE_DEFAULTS.items():
        scope.set(name, value)
    version = PSObject(
        [("Major", 5), ("Minor", 1), ("Build", 17763), ("Revision", 1852)]
    )
    version.to_string = lambda: PS_VERSION  # type: ignore[attr-defined]
    table = Hashtable(
        [
            ("PSVersion", version),
            ("PSEdition", "Desktop"),
            ("PSCompatibleVersions", ["1.0", "2.0", "3.0", "4.0", "5.0", "5.1"]),
            ("BuildVersion", "10.0.17763.1852"),
            ("CLRVersion", "4.0.30319.42000"),
            ("WSManStackVersion", "3.0"),
            ("PSRemotingProtocolVersion", "2.3"),
            ("SerializationVersion", "1.1.0.1"),
        ]
    )
    values = {
        "Error": interpreter.error_list,
        "PID": host.process_id,
        "PSVersionTable": table,
        "HOME": f"C:\\Users\\{host.username}",
        "ShellId": "Microsoft.PowerShell",
        "PSHOME": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
        "PSCulture": "en-US",
        "PSUICulture": "en-US",
        "MaximumErrorCount": 256,
        "FormatEnumerationLimit": 4,
        "NestedPromptLevel": 0,
        "PSScriptRoot": "",
        "PSCommandPath": "",
    }
    for name, value in values.items():
        scope.set(name, value)
    host_object = PSObject(
        [("Name", "ConsoleHost"), ("Version", version), ("CurrentCulture", "en-US")],
        "System.Management.Automation.Internal.Host.InternalHost",
    )
    scope.set("Host", host_object)
    # Constant variables of Windows PowerShell: Set-Variable and `=` fail on them.
    for name in ("PID", "Host", "ShellId", "PSHOME", "Error"):
        slot = scope.find(name)
        if slot is not None:
            slot.read_only = True
    interpreter.output_encoding = codepage_encoding(host.codepage)
    interpreter.input_encoding = codepage_encoding(host.codepage)


class SessionMixin:
    """Paths, process streams and limits for the interpreter and the cmdlets."""

    host: Any
    machine: Any
    stdout: Any
    location: str
    output_encoding: Any
    input_encoding: Any

    def automatic_variable(self, key: str) -> object:
        """Return an automatic variable that has no slot, or None."""
        if key == "pwd":
            return PSObject(
                [("Path", self.location)], "System.Management.Automation.PathInfo"
            )
        if key == "input":
            return self.read_stdin_lines()
        return None

    @property
    def account_name(self) -> str:
        """Return `HOST\\user`, the owner of files the script creates."""
        return f"{self.host.hostname}\\{self.host.username}"

    def resolve_path(self, path: str) -> str:
        """Return an absolute file system path, relative to the current location."""
        try:
            return normalize(path, self.location)
        except PathError as error:
            raise PSError(
                ErrorRecord(
                    message=str(error),
                    error_id="PathNotSupported",
                    category="InvalidArgument",
                )
            ) from None

    def check_allocation(self, size: int) -> None:
        """Raise the out-of-memory error for an allocation above MaxMemoryPerShellMB.

        NOTE: only single allocations are checked, not the total a script holds.
        """
        if size > self.machine.memory_limit_bytes:
            raise PSError(
                ErrorRecord(
                    message=_OUT_OF_MEMORY,
                    error_id="System.OutOfMemoryException",
                    category="OperationStopped",
                    reason="OutOfMemoryException",
                    exception=DotNetException(
                        "System.OutOfMemoryException", _OUT_OF_MEMORY
                    ),
                ),
                script_terminating=True,
            )

    # Standard streams

    def encode_stdout(self, text: str) -> bytes:
        """Encode console text in [Console]::OutputEncoding; '?' for what it lacks."""
        return text.encode(self.output_encoding.codec, errors="replace")

    def write_raw_stdout(self, data: bytes) -> None:
        """Write bytes to stdout as they are, after any buffered text."""
        self.write_raw(data, "stdout")

    def write_raw(self, data: bytes, stream: str) -> None:
        """Write bytes to stdout or stderr without encoding them."""
        self.stdout.flush()
        if stream == "stdout" and self.host.write_stdout_bytes is not None:
            self.host.write_stdout_bytes(data)
        elif stream == "stderr" and getattr(self.host, "write_stderr_bytes", None):
            self.host.write_stderr_bytes(data)
        else:
            text = data.decode(self.output_encoding.codec, errors="replace")
            (self.host.write_stdout if stream == "stdout" else self.host.write_stderr)(
                text
            )

    def write_console(self, text: str, stream: str) -> None:
        """Write text as [Console]::Write does (stdout goes through the buffer)."""
        if stream == "stdout":
            self.stdout.write(text)
        else:
            self.stdout.flush()
            self.host.write_stderr(text)

    def read_stdin_text(self) -> str:
        """Read stdin to the end, as [Console]::In.ReadToEnd() does."""
        self.stdout.flush()
        reader = self.host.read_stdin_bytes
        if reader is not None:
            data = reader()
            self.check_stop()  # type: ignore[attr-defined]
            return data.decode(self.input_encoding.codec, errors="replace")
        lines = self.read_stdin_lines()
        return "".join(line + "\r\n" for line in lines)

    def read_stdin_line(self) -> str | None:
        """Read one line of stdin without its line break, or None at the end."""
        self.stdout.flush()
        return self.host.read_stdin_line()

    def read_stdin_lines(self) -> list[str]:
        """Read all remaining stdin lines (`$input` of powershell.exe)."""
        self.stdout.flush()
        lines: list[str] = []
        while (line := self.host.read_stdin_line()) is not None:
            lines.append(line)
        self.check_stop()  # type: ignore[attr-defined]
        return lines

    def run_native(
        self,
        name: str,
        arguments: str,
        write_out: Any,
        write_err: Any,
        stdin_text: str | None,
    ) -> int:
        """Run a native program and return its exit code."""
        runner = self.host.run_native
        if runner is None:
            from winrm_sim.powershell.native_host import run_in_process

            return run_in_process(
                self, name, arguments, write_out, write_err, stdin_text
            )
        return runner(name, arguments, write_out, write_err, stdin_text)

    def construct_security_object(
        self, type_name: str, arguments: list[object]
    ) -> object:
        """Create FileSystemAccessRule and NTAccount objects."""
        from winrm_sim.powershell.cmdlets.acl import construct_security_object

        return construct_security_object(self, type_name, arguments)

    def current_process_object(self) -> object:
        """Return the Process object of this powershell.exe."""
        from winrm_sim.machine import ProcessEntry
        from winrm_sim.powershell.cmdlets.processes import ProcessObject

        found = self.machine.find_process(self.host.process_id)
        entry = found or ProcessEntry(
            self.host.process_id, "powershell", None, self.account_name
        )
        return ProcessObject(entry)

    def expand_environment(self, text: str) -> str:
        """Replace `%NAME%` with environment values, as cmd.exe does."""
        import re

        return re.sub(r"%([^%]+)%", lambda m: self.host.env.get(m[1], m[0]), text)
