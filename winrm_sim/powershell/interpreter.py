"""The interpreter of one powershell.exe run: session state, streams, exit code."""

from __future__ import annotations

import logging

from winrm_sim.powershell.clixml import ClixmlWriter
from winrm_sim.powershell.errors import (
    ErrorRecord,
    ParseError,
    PSError,
    format_error_view,
)
from winrm_sim.powershell.expressions import ExpressionMixin
from winrm_sim.powershell.flow import BreakSignal, ContinueSignal
from winrm_sim.powershell.formatting import OutDefault
from winrm_sim.powershell.host import (
    BufferedOutput,
    ExitScript,
    ScriptHost,
    ScriptStopped,
)
from winrm_sim.powershell.invocation import InvocationMixin
from winrm_sim.powershell.parser import parse_script
from winrm_sim.powershell.pipelines import PipelineMixin
from winrm_sim.powershell.preferences import PreferenceMixin
from winrm_sim.powershell.scopes import Scope
from winrm_sim.powershell.session import SessionMixin, initial_variables
from winrm_sim.powershell.statements import StatementMixin
from winrm_sim.powershell.streams import Routing
from winrm_sim.powershell.values import ScriptBlock

logger = logging.getLogger(__name__)


class Interpreter(
    StatementMixin,
    PipelineMixin,
    InvocationMixin,
    ExpressionMixin,
    PreferenceMixin,
    SessionMixin,
):
    """Runs one script. Output goes to stdout, other streams to stderr as CLIXML."""

    def __init__(self, source: str, host: ScriptHost) -> None:
        from winrm_sim.machine import machine_of

        self.host = host
        self.source = source
        self.machine = host.machine or machine_of(host.env, host.hostname)
        self.machine.prepare_profile(host.username)
        self.global_scope = Scope()
        self.scope = self.global_scope
        self.last_success = True
        self.error_list: list[object] = []
        self.call_stack: list[object] = []
        self.location = host.working_directory or f"C:\\Users\\{host.username}"
        initial_variables(self)
        if host.write_stdout_bytes is not None:
            write_bytes = host.write_stdout_bytes
            self.stdout = BufferedOutput(
                lambda text: write_bytes(self.encode_stdout(text))
            )
        else:
            self.stdout = BufferedOutput(host.write_stdout)
        self.clixml = (
            ClixmlWriter(self._write_stderr) if host.errors_as_clixml else None
        )
        self.routing = Routing(
            self._error_to_host,
            self._stream_to_host("warning"),
            self._stream_to_host("verbose"),
            self._stream_to_host("debug"),
            self._information_to_host,
        )

    # Running

    def run(self) -> int:
        """Parse and run the script, and return the process exit code."""
        try:
            return self._run()
        finally:
            self.stdout.flush()
            # The CLIXML document must be complete before the command ends.
            if self.clixml is not None:
                self.clixml.close()

    def _run(self) -> int:
        try:
            body = parse_script(self.source)
        except ParseError as error:
            self._error_to_host(error.record.with_source(self.source))
            return 1
        block = ScriptBlock(body, self.source)
        try:
            self.run_top_level(block)
        except ExitScript as exit_request:
            return exit_request.code
        except ScriptStopped:
            logger.info("script stopped by signal")
            return 1
        except PSError as error:
            self.report_uncaught(error.record)
            return 1
        except (BreakSignal, ContinueSignal):
            pass
        except Exception as error:  # noqa: BLE001 - a simulator bug must not hang a run
            logger.exception("interpreter failed")
            record = ErrorRecord(
                message=f"winrm_sim failed to run this script: {error!r}",
                error_id="WinrmSimInternalError",
            )
            self.report_uncaught(record)
            return 1
        return 0 if self.last_success else 1

    def run_top_level(self, block: ScriptBlock) -> None:
        """Run a script's statements, each with its output sent to Out-Default."""
        statements = block.body.end_block
        saved = self.source
        self.source = block.source
        # Each top-level statement's output goes to Out-Default on its own, so
        # a table ends when its statement ends.
        formatter = self.new_out_default()
        try:
            self.execute_block(statements, formatter.push, after=formatter.close)
        finally:
            self.source = saved

    def new_out_default(self) -> OutDefault:
        """Return a formatter that prints to stdout."""
        return OutDefault(
            self.stdout.write, self._error_to_host, self.host.error_view_width
        )

    def report_uncaught(self, record: ErrorRecord) -> None:
        """Write a script-terminating error that nothing caught."""
        self.remember_error(record)
        self._error_to_host(record)

    def check_stop(self) -> None:
        """Raise ScriptStopped when the process was asked to stop."""
        if self.host.stop_event.is_set():
            raise ScriptStopped()
        self.stdout.flush_if_old()

    def wait(self, seconds: float) -> None:
        """Sleep, waking at once when the process is stopped."""
        self.stdout.flush()
        if self.host.stop_event.wait(max(seconds, 0)):
            raise ScriptStopped()

    # Streams

    def _write_stderr(self, text: str) -> None:
        self.stdout.flush()
        self.host.write_stderr(text)

    def _error_to_host(self, record: object) -> None:
        if not isinstance(record, ErrorRecord):
            return
        lines = format_error_view(record, self.host.error_view_width)
        if self.clixml is None:
            self._write_stderr("".join(line + "\r\n" for line in lines))
        else:
            self.clixml.write_lines("Error", lines)

    def _stream_to_host(self, stream: str):  # noqa: ANN202
        def write(message: object) -> None:
            text = getattr(message, "message", str(message))
            if self.clixml is None:
                self.stdout.write(f"{stream.upper()}: {text}\r\n")
            else:
                self.clixml.write_message(stream, text)

        return write

    def _information_to_host(self, record: object) -> None:
        text = getattr(record, "text", str(record))
        host_message = getattr(record, "host_message", False)
        if self.clixml is None:
            if not host_message:
                self.stdout.write(text + "\r\n")
            return
        data = None if host_message else text
        self.clixml.write_information(
            text,
            data,
            getattr(record, "source", ""),
            getattr(record, "tags", []),
            f"{self.host.hostname}\\{self.host.username}",
            self.host.hostname,
            self.host.process_id,
            getattr(record, "no_newline", False),
        )

    def remember_error(self, record: ErrorRecord) -> None:
        """Add an error record to `$Error`, newest first."""
        self.error_list.insert(0, record)
        del self.error_list[256:]
