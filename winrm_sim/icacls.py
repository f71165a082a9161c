"""icacls.exe: show, grant, deny and remove access rules, change the owner.

Output follows icacls on Windows Server: the path, one entry per line, and
the `Successfully processed ...` summary. The exit code is the Win32 error of
the last failure (2 file not found, 1332 unknown account) or 0.
"""

from __future__ import annotations

import shlex

from winrm_sim.process import ProcessContext
from winrm_sim.vfs import FileSystem, FileSystemError, PathError, normalize
from winrm_sim.vfs.security import AccessRule, AccountError, account_name, parse_grant

_ERROR_FILE_NOT_FOUND = 2
_ERROR_INVALID_PARAMETER = 87
_ERROR_NONE_MAPPED = 1332


class IcaclsError(Exception):
    """An icacls failure with its message and Win32 error code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def run_icacls(arguments: str, context: ProcessContext, filesystem: FileSystem) -> int:
    """Run icacls with an argument string and return its exit code."""
    try:
        words = shlex.split(arguments.replace("\\", "\\\\"), posix=True)
    except ValueError:
        words = arguments.split()
    if not words:
        context.stderr.write("No file name was specified.\r\n")
        return _ERROR_INVALID_PARAMETER
    typed_path, options = (
        words[0],
        [w for w in words[1:] if w.upper() not in ("/T", "/C", "/Q", "/L")],
    )
    try:
        path = normalize(typed_path, context.working_directory)
        if not filesystem.exists(path):
            raise IcaclsError(
                f"{typed_path}: The system cannot find the file specified.",
                _ERROR_FILE_NOT_FOUND,
            )
        if not options:
            _show(typed_path, path, filesystem, context)
            context.stdout.write(
                "Successfully processed 1 files; Failed processing 0 files\r\n"
            )
            return 0
        _change(path, options, filesystem, context)
    except (IcaclsError, PathError, FileSystemError) as error:
        code = error.code if isinstance(error, IcaclsError) else _ERROR_FILE_NOT_FOUND
        context.stderr.write(f"{error}\r\n")
        context.stdout.write(
            "Successfully processed 0 files; Failed processing 1 files\r\n"
        )
        return code
    context.stdout.write(f"processed file: {typed_path}\r\n")
    context.stdout.write(
        "Successfully processed 1 files; Failed processing 0 files\r\n"
    )
    return 0


def _show(
    typed_path: str, path: str, filesystem: FileSystem, context: ProcessContext
) -> None:
    rules = filesystem.effective_rules(path)
    indent = " " * (len(typed_path) + 1)
    lines = [rule.icacls_text() for rule in rules] or ["(no entries)"]
    text = f"{typed_path} {lines[0]}\r\n" + "".join(
        f"{indent}{line}\r\n" for line in lines[1:]
    )
    context.stdout.write(text + "\r\n")


def _change(
    path: str, options: list[str], filesystem: FileSystem, context: ProcessContext
) -> None:
    descriptor = filesystem.descriptor(path)
    index = 0
    while index < len(options):
        option = options[index].lower()
        values = []
        index += 1
        while index < len(options) and not options[index].startswith("/"):
            values.append(options[index])
            index += 1
        if option.startswith(("/grant", "/deny")):
            replace_existing = option.endswith(":r")
            for value in values:
                rule = _rule(value, option.startswith("/grant"), filesystem, context)
                if replace_existing or not rule.allow:
                    descriptor.rules = [
                        r
                        for r in descriptor.rules
                        if r.identity != rule.identity or r.allow != rule.allow
                    ]
                descriptor.rules.append(rule)
        elif option.startswith("/remove"):
            kinds = {
                "/remove": (True, False),
                "/remove:g": (True,),
                "/remove:d": (False,),
            }
            allowed = kinds.get(option, (True, False))
            for value in values:
                account = _account(value, filesystem, context)
                descriptor.rules = [
                    r
                    for r in descriptor.rules
                    if r.identity != account or r.allow not in allowed
                ]
        elif option.startswith("/inheritance:"):
            _inheritance(path, option[-1], filesystem)
        elif option == "/setowner" and values:
            descriptor.owner = _account(values[0], filesystem, context)
        elif option == "/reset":
            descriptor.rules = []
            descriptor.protected = False
        else:
            raise IcaclsError(
                f'Invalid parameter "{options[index - len(values) - 1]}"',
                _ERROR_INVALID_PARAMETER,
            )


def _rule(
    text: str, allow: bool, filesystem: FileSystem, context: ProcessContext
) -> AccessRule:
    try:
        account, rights, object_inherit, container_inherit, inherit_only = parse_grant(
            text
        )
    except ValueError:
        raise IcaclsError(
            f'Invalid parameter "{text}"', _ERROR_INVALID_PARAMETER
        ) from None
    identity = _account(account, filesystem, context)
    return AccessRule(
        identity, rights, allow, object_inherit, container_inherit, inherit_only
    )


def _account(name: str, filesystem: FileSystem, context: ProcessContext) -> str:
    accounts = filesystem.local_accounts | {context.username.casefold()}
    try:
        return account_name(name, filesystem.hostname, accounts)
    except AccountError:
        raise IcaclsError(
            f"{name}: No mapping between account names and security IDs was done.",
            _ERROR_NONE_MAPPED,
        ) from None


def _inheritance(path: str, mode: str, filesystem: FileSystem) -> None:
    descriptor = filesystem.descriptor(path)
    if mode == "e":
        descriptor.protected = False
        return
    if mode == "d":
        inherited = [r for r in filesystem.effective_rules(path) if r.inherited]
        descriptor.rules += [
            AccessRule(
                r.identity, r.rights, r.allow, r.object_inherit, r.container_inherit
            )
            for r in inherited
        ]
    descriptor.protected = True
