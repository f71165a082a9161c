"""Get-Acl and Set-Acl over the owners and access rules the file system keeps."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from winrm_sim.powershell.cmdlets.base import NO_INPUT
from winrm_sim.powershell.cmdlets.paths import FileCmdlet
from winrm_sim.powershell.commands import ParameterSpec
from winrm_sim.powershell.dotnet.objects import DotNetError
from winrm_sim.powershell.formatting import Column, View
from winrm_sim.powershell.values import PSObject, to_string
from winrm_sim.vfs.security import AccessRule, AccountError, account_name, rights_code

_MICROSOFT = "Microsoft.PowerShell.Commands."
_PROVIDER = "Microsoft.PowerShell.Core\\FileSystem::"


class RuleObject:
    """A FileSystemAccessRule."""

    ps_type_name = "System.Security.AccessControl.FileSystemAccessRule"

    def __init__(self, rule: AccessRule) -> None:
        self.rule = rule

    def ps_properties(self) -> list[tuple[str, object]]:
        """Return the properties Get-Acl's Access list shows."""
        rule = self.rule
        return [
            ("FileSystemRights", rule.rights_name),
            ("AccessControlType", "Allow" if rule.allow else "Deny"),
            ("IdentityReference", rule.identity),
            ("IsInherited", rule.inherited),
            ("InheritanceFlags", rule.inheritance_flags),
            ("PropagationFlags", "InheritOnly" if rule.inherit_only else "None"),
        ]


class AclObject:
    """The object Get-Acl returns: owner and access rules of one path."""

    ps_type_name = "System.Security.AccessControl.FileSecurity"

    def __init__(
        self, path: str, owner: str, rules: list[AccessRule], protected: bool
    ) -> None:
        self.path = path
        self.owner = owner
        self.rules = rules
        self.protected = protected

    @property
    def explicit(self) -> list[AccessRule]:
        """Return the rules that are not inherited."""
        return [rule for rule in self.rules if not rule.inherited]

    def access_text(self) -> str:
        """Return AccessToString: one `identity type rights` line per rule."""
        return "\n".join(
            f"{r.identity} {'Allow' if r.allow else 'Deny'}  {r.rights_name}"
            for r in self.rules
        )

    def ps_properties(self) -> list[tuple[str, object]]:
        """Return Path, Owner, Group, Access, AccessToString and Sddl."""
        return [
            ("Path", _PROVIDER + self.path),
            ("Owner", self.owner),
            ("Group", "NT AUTHORITY\\SYSTEM"),
            ("Access", [RuleObject(rule) for rule in self.rules]),
            ("AccessToString", self.access_text()),
            ("AreAccessRulesProtected", self.protected),
        ]

    def ps_call(
        self, interpreter: Any, key: str, arguments: list[object]
    ) -> tuple[bool, object]:
        """Implement SetAccessRule, AddAccessRule, RemoveAccessRule and SetOwner."""
        if key in (
            "setaccessrule",
            "addaccessrule",
            "removeaccessrule",
            "removeaccessruleall",
        ):
            rule = arguments[0].rule if isinstance(arguments[0], RuleObject) else None
            if rule is None:
                raise DotNetError(
                    "System.ArgumentNullException",
                    "Value cannot be null.\r\nParameter name: rule",
                )
            others = [
                r
                for r in self.explicit
                if r.identity.casefold() != rule.identity.casefold()
            ]
            same_identity = [r for r in self.explicit if r not in others]
            if key == "setaccessrule":
                self.rules = [*others, rule, *self._inherited()]
            elif key == "addaccessrule":
                self.rules = [*self.explicit, rule, *self._inherited()]
            elif key == "removeaccessrule":
                same_identity = [
                    r
                    for r in same_identity
                    if r.rights != rule.rights or r.allow != rule.allow
                ]
                self.rules = [*others, *same_identity, *self._inherited()]
            else:
                self.rules = [*others, *self._inherited()]
            return True, (True if key == "removeaccessrule" else None)
        if key == "setowner":
            self.owner = to_string(
                getattr(arguments[0], "get", lambda name: arguments[0])("Value")
            )
            return True, None
        if key == "setaccessruleprotection":
            self.protected = bool(arguments[0])
            if self.protected and not (len(arguments) > 1 and arguments[1]):
                self.rules = self.explicit
            elif self.protected:
                self.rules = [replace(r, inherited=False) for r in self.rules]
            return True, None
        if key == "getaccessrules":
            return True, [RuleObject(rule) for rule in self.rules]
        return False, None

    def _inherited(self) -> list[AccessRule]:
        return [rule for rule in self.rules if rule.inherited]

    def ps_view(self) -> View:
        """Return the Path/Owner/Access table."""
        columns = (
            Column("Path", lambda item: item.path.rsplit("\\", 1)[-1] or item.path),  # type: ignore[attr-defined]
            Column("Owner", lambda item: item.owner),  # type: ignore[attr-defined]
            Column("Access", lambda item: _first_line(item.access_text())),  # type: ignore[attr-defined]
        )
        folder = (
            self.path.rsplit("\\", 1)[0]
            if "\\" in self.path.rstrip("\\")
            else self.path
        )
        heading = f"\r\n\r\n    Directory: {folder}\r\n\r\n"
        return View("table", columns, group=("acl", folder.casefold()), heading=heading)


def _first_line(text: str) -> str:
    # A table cell shows the first line of a multi-line value, then "...".
    first, _, rest = text.partition("\n")
    return first + "..." if rest else first


def construct_security_object(
    interpreter: Any, type_name: str, arguments: list[object]
) -> object:
    """Create FileSystemAccessRule and NTAccount objects for New-Object and ::new."""
    if type_name.endswith("FileSystemAccessRule"):
        identity = _account(interpreter, to_string(arguments[0]))
        rights = rights_code(to_string(arguments[1]))
        flags = [to_string(a).lower() for a in arguments[2:]]
        allow = "deny" not in flags[-1] if flags else True
        inheritance = flags[0] if len(flags) == 3 else ""
        propagation = flags[1] if len(flags) == 3 else ""
        return RuleObject(
            AccessRule(
                identity,
                rights,
                allow,
                object_inherit="objectinherit" in inheritance,
                container_inherit="containerinherit" in inheritance,
                inherit_only="inheritonly" in propagation,
            )
        )
    if type_name.endswith("NTAccount"):
        return PSObject(
            [("Value", _account(interpreter, to_string(arguments[-1])))],
            "System.Security.Principal.NTAccount",
        )
    return None


def _account(interpreter: Any, name: str) -> str:
    filesystem = interpreter.machine.filesystem
    accounts = filesystem.local_accounts | {interpreter.host.username.casefold()}
    try:
        return account_name(name, filesystem.hostname, accounts)
    except AccountError:
        raise DotNetError(
            "System.Security.Principal.IdentityNotMappedException",
            "Some or all identity references could not be translated.",
        ) from None


class GetAcl(FileCmdlet):
    """Get-Acl."""

    name = "Get-Acl"
    dotnet_type = _MICROSOFT + "GetAclCommand"
    parameters = (
        ParameterSpec("Path", position=0, type_name="System.String[]"),
        ParameterSpec("LiteralPath", type_name="System.String[]"),
    )

    def process(self, item: object) -> None:
        """Emit the ACL of each path (the current location without -Path)."""
        if item is not NO_INPUT:
            self.bound["Path"] = getattr(getattr(item, "entry", None), "path", item)
        if "Path" not in self.bound and "LiteralPath" not in self.bound:
            self.bound["Path"] = [self.interpreter.location]
        for path in self.paths():
            descriptor = self.filesystem.descriptor(path)
            rules = self.filesystem.effective_rules(path)
            self.emit(AclObject(path, descriptor.owner, rules, descriptor.protected))


class SetAcl(FileCmdlet):
    """Set-Acl: store the owner and explicit rules of an ACL object on a path."""

    name = "Set-Acl"
    dotnet_type = _MICROSOFT + "SetAclCommand"
    parameters = (
        ParameterSpec("Path", position=0, type_name="System.String[]"),
        ParameterSpec("AclObject", position=1),
        ParameterSpec("Passthru", switch=True),
    )

    def process(self, item: object) -> None:
        """Apply the ACL to each path."""
        acl = self.get("AclObject") if item is NO_INPUT else item
        if not isinstance(acl, AclObject):
            raise self.terminate(
                self.record(
                    "The security descriptor is not valid.",
                    "SetAcl_OperationNotSupported",
                    "InvalidArgument",
                    reason="ArgumentException",
                )
            )
        for path in self.paths():
            descriptor = self.filesystem.descriptor(path)
            descriptor.owner = acl.owner
            descriptor.rules = acl.explicit
            descriptor.protected = acl.protected
            if self.get("Passthru"):
                self.emit(acl)
