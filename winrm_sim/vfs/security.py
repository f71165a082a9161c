"""Owners and access rules of files, as Get-Acl, Set-Acl and icacls see them.

The rules are metadata only: the simulator records and reports them but does
not refuse reads or writes because of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# icacls abbreviations and the FileSystemRights names Get-Acl shows.
RIGHTS = {
    "F": "FullControl",
    "M": "Modify, Synchronize",
    "RX": "ReadAndExecute, Synchronize",
    "R": "Read, Synchronize",
    "W": "Write, Synchronize",
    "D": "Delete",
    "N": "None",
}
_RIGHT_NAMES = {
    "fullcontrol": "F",
    "modify": "M",
    "readandexecute": "RX",
    "read": "R",
    "write": "W",
    "delete": "D",
    "readdata": "R",
    "writedata": "W",
}
_WELL_KNOWN = {
    "administrators": "BUILTIN\\Administrators",
    "users": "BUILTIN\\Users",
    "system": "NT AUTHORITY\\SYSTEM",
    "authenticated users": "NT AUTHORITY\\Authenticated Users",
    "everyone": "Everyone",
    "creator owner": "CREATOR OWNER",
    "network service": "NT AUTHORITY\\NETWORK SERVICE",
    "local service": "NT AUTHORITY\\LOCAL SERVICE",
}


class AccountError(ValueError):
    """An account name that does not map to a security identifier."""


@dataclass(frozen=True)
class AccessRule:
    """One access control entry."""

    identity: str
    rights: str  # icacls abbreviation: F, M, RX, R, W, D, N
    allow: bool = True
    object_inherit: bool = False
    container_inherit: bool = False
    inherit_only: bool = False
    inherited: bool = False

    def icacls_text(self) -> str:
        """Return the entry as icacls prints it, such as `BUILTIN\\Users:(I)(RX)`."""
        flags = ""
        flags += "(DENY)" if not self.allow else ""
        flags += "(I)" if self.inherited else ""
        flags += "(OI)" if self.object_inherit else ""
        flags += "(CI)" if self.container_inherit else ""
        flags += "(IO)" if self.inherit_only else ""
        return f"{self.identity}:{flags}({self.rights})"

    @property
    def rights_name(self) -> str:
        """Return the FileSystemRights name, such as `FullControl`."""
        return RIGHTS.get(self.rights, self.rights)

    @property
    def inheritance_flags(self) -> str:
        """Return InheritanceFlags: None, ObjectInherit, ContainerInherit or both."""
        flags = [
            name
            for name, on in (
                ("ContainerInherit", self.container_inherit),
                ("ObjectInherit", self.object_inherit),
            )
            if on
        ]
        return ", ".join(flags) or "None"


@dataclass
class SecurityDescriptor:
    """The explicit part of a file's security: owner, rules, inheritance switch."""

    owner: str
    rules: list[AccessRule] = field(default_factory=list)
    protected: bool = False


def rights_code(text: str) -> str:
    """Return the icacls abbreviation for `F`, `FullControl`, `Modify`..."""
    cleaned = text.strip().strip("()")
    upper = cleaned.upper()
    if upper in RIGHTS:
        return upper
    first = cleaned.split(",")[0].strip().casefold()
    if first in _RIGHT_NAMES:
        return _RIGHT_NAMES[first]
    raise ValueError(f"invalid rights {text!r}")


def account_name(name: str, hostname: str, local_accounts: set[str]) -> str:
    """Return the full account name (`WIN01\\demo`, `BUILTIN\\Users`) or raise."""
    text = name.strip().strip('"')
    folded = text.casefold()
    if folded in _WELL_KNOWN:
        return _WELL_KNOWN[folded]
    for full in _WELL_KNOWN.values():
        if full.casefold() == folded:
            return full
    domain, _, user = text.rpartition("\\")
    if domain and domain.casefold() not in (hostname.casefold(), "."):
        raise AccountError(name)
    if user.casefold() in local_accounts:
        return f"{hostname}\\{user}"
    raise AccountError(name)


def inherit_to_child(rules: list[AccessRule], is_directory: bool) -> list[AccessRule]:
    """Return the rules a new child inherits from its parent's effective rules."""
    inherited = []
    for rule in rules:
        applies = rule.container_inherit if is_directory else rule.object_inherit
        if not applies:
            continue
        if is_directory:
            inherited.append(replace(rule, inherited=True, inherit_only=False))
        else:
            inherited.append(
                AccessRule(rule.identity, rule.rights, rule.allow, inherited=True)
            )
    return inherited


def root_rules() -> list[AccessRule]:
    """Return the rules of a drive root."""
    return [
        AccessRule("BUILTIN\\Administrators", "F", True, True, True),
        AccessRule("NT AUTHORITY\\SYSTEM", "F", True, True, True),
        AccessRule("BUILTIN\\Users", "RX", True, True, True),
    ]


def profile_rules(hostname: str, user: str) -> list[AccessRule]:
    """Return the protected rules of a user profile folder."""
    return [
        AccessRule("NT AUTHORITY\\SYSTEM", "F", True, True, True),
        AccessRule("BUILTIN\\Administrators", "F", True, True, True),
        AccessRule(f"{hostname}\\{user}", "F", True, True, True),
    ]


def parse_grant(text: str) -> tuple[str, str, bool, bool, bool]:
    """Parse an icacls `/grant` argument `user:(OI)(CI)F`.

    Return (account, rights code, object inherit, container inherit, inherit only).
    """
    account, separator, perm = text.rpartition(":")
    if not separator or not account:
        raise ValueError(text)
    flags = {"OI": False, "CI": False, "IO": False}
    rights = None
    for piece in perm.replace(")(", ") (").replace("(", " ").replace(")", " ").split():
        upper = piece.upper()
        if upper in flags:
            flags[upper] = True
        elif upper in ("NP", "I"):
            continue
        else:
            rights = rights_code(
                ",".join(piece.split(",")) if "," not in piece else piece
            )
    if rights is None:
        raise ValueError(text)
    return account, rights, flags["OI"], flags["CI"], flags["IO"]
