"""The per-host file system: paths, drives, owners and access rules."""

from __future__ import annotations

import pytest

from winrm_sim.vfs import FileSystem, FileSystemError, PathError, normalize


@pytest.fixture
def filesystem() -> FileSystem:
    return FileSystem("WIN01")


@pytest.mark.parametrize(
    ("path", "cwd", "expected"),
    [
        ("c:/Data/x.txt", "C:\\", "C:\\Data\\x.txt"),
        ("x.txt", "C:\\Users\\demo", "C:\\Users\\demo\\x.txt"),
        ("..\\x.txt", "C:\\Users\\demo", "C:\\Users\\x.txt"),
        ("\\Windows\\.\\System32", "D:\\work", "D:\\Windows\\System32"),
        ("D:file.txt", "C:\\Users", "D:\\file.txt"),
        ("C:\\a\\..\\..\\b", "C:\\", "C:\\b"),
        ("Microsoft.PowerShell.Core\\FileSystem::C:\\x", "C:\\", "C:\\x"),
    ],
)
def test_normalize_paths(path, cwd, expected):
    assert normalize(path, cwd) == expected


def test_unc_paths_rejected():
    with pytest.raises(PathError):
        normalize("\\\\server\\share", "C:\\")


def test_paths_ignore_case(filesystem):
    filesystem.make_directory("C:\\Data\\Sub")
    filesystem.write_bytes("c:/data/sub/File.TXT", b"hi")

    assert filesystem.read_bytes("C:\\DATA\\SUB\\file.txt") == b"hi"
    assert (
        filesystem.display_path("c:\\data\\sub\\FILE.txt") == "C:\\Data\\Sub\\File.TXT"
    )
    assert [entry.name for entry in filesystem.list_directory("c:\\data")] == ["Sub"]


def test_drives_are_host_folders(filesystem):
    filesystem.write_bytes("D:\\d.txt", b"d")

    assert (filesystem.root / "D" / "d.txt").read_bytes() == b"d"
    assert filesystem.is_directory("C:\\Windows\\System32")


def test_missing_parent_and_drive(filesystem):
    with pytest.raises(FileSystemError) as missing:
        filesystem.write_bytes("C:\\nope\\x.txt", b"")
    with pytest.raises(FileSystemError) as drive:
        filesystem.write_bytes("E:\\x.txt", b"")

    assert missing.value.kind == "parent_not_found"
    assert drive.value.kind == "no_drive"


def test_remove_needs_recurse_for_full_folder(filesystem):
    filesystem.make_directory("C:\\tree\\leaf")

    with pytest.raises(FileSystemError) as caught:
        filesystem.remove("C:\\tree")
    filesystem.remove("C:\\tree", recursive=True)

    assert caught.value.kind == "not_empty"
    assert not filesystem.exists("C:\\tree")


def test_new_file_inherits_folder_rules(filesystem):
    filesystem.make_directory("C:\\data")
    filesystem.write_bytes("C:\\data\\a.txt", b"", owner="WIN01\\demo")

    rules = [
        rule.icacls_text() for rule in filesystem.effective_rules("C:\\data\\a.txt")
    ]

    assert rules == [
        "BUILTIN\\Administrators:(I)(F)",
        "NT AUTHORITY\\SYSTEM:(I)(F)",
        "BUILTIN\\Users:(I)(RX)",
    ]
    assert filesystem.descriptor("C:\\data\\a.txt").owner == "WIN01\\demo"


def test_profile_folder_is_protected(filesystem):
    filesystem.make_directory("C:\\Users\\demo\\Documents")

    rules = [
        rule.icacls_text() for rule in filesystem.effective_rules("C:\\Users\\demo")
    ]

    assert "WIN01\\demo:(OI)(CI)(F)" in rules
    assert "BUILTIN\\Users:(I)(OI)(CI)(RX)" not in rules


def test_powershell_file_is_visible_on_host(session, winrm_host):
    response = session.run_ps(
        "New-Item -ItemType Directory -Path C:\\Deploy | Out-Null; "
        "Set-Content -Path c:/deploy/Version.txt -Value '1.2.3'"
    )

    filesystem = winrm_host.state.filesystem
    assert response.status_code == 0
    assert filesystem.read_bytes("C:\\DEPLOY\\version.txt") == b"1.2.3\r\n"
    assert (
        filesystem.display_path("c:\\deploy\\version.txt") == "C:\\Deploy\\Version.txt"
    )


def test_host_file_is_visible_to_powershell(session, winrm_host):
    winrm_host.state.filesystem.make_directory("C:\\seed")
    winrm_host.state.filesystem.write_bytes("C:\\seed\\in.txt", b"from host\r\n")

    response = session.run_ps("Get-Content C:\\SEED\\IN.TXT")

    assert response.std_out == b"from host\r\n"


def test_missing_drive_error(session):
    response = session.run_ps("Get-Item E:\\x")

    assert response.status_code == 1
    assert response.std_err.startswith(
        b"Get-Item : Cannot find drive. A drive with the name 'E' does not exist."
    )


def test_icacls_shows_rules(session, winrm_host):
    winrm_host.state.filesystem.make_directory("C:\\data")
    winrm_host.state.filesystem.write_bytes("C:\\data\\app.txt", b"x")

    response = session.run_cmd("icacls C:\\data\\app.txt")

    assert response.status_code == 0
    assert response.std_out == (
        b"C:\\data\\app.txt BUILTIN\\Administrators:(I)(F)\r\n"
        b"                NT AUTHORITY\\SYSTEM:(I)(F)\r\n"
        b"                BUILTIN\\Users:(I)(RX)\r\n"
        b"\r\n"
        b"Successfully processed 1 files; Failed processing 0 files\r\n"
    )


def test_icacls_grant_and_remove(session, winrm_host):
    user = winrm_host.credentials[0]
    winrm_host.state.filesystem.make_directory("C:\\data")

    granted = session.run_cmd(f'icacls C:\\data /grant "{user}:(OI)(CI)M"')
    after_grant = session.run_cmd("icacls C:\\data")
    removed = session.run_cmd(f"icacls C:\\data /remove {user}")
    after_remove = session.run_cmd("icacls C:\\data")

    assert granted.std_out == (
        b"processed file: C:\\data\r\n"
        b"Successfully processed 1 files; Failed processing 0 files\r\n"
    )
    assert f"C:\\data WIN01\\{user}:(OI)(CI)(M)\r\n".encode() in after_grant.std_out
    assert removed.status_code == 0
    assert user.encode() not in after_remove.std_out


def test_icacls_deny_rule(session, winrm_host):
    winrm_host.state.filesystem.make_directory("C:\\locked")

    session.run_cmd("icacls C:\\locked /deny Users:W")
    response = session.run_cmd("icacls C:\\locked")

    assert b"BUILTIN\\Users:(DENY)(W)" in response.std_out


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        ("C:\\missing", 2, b"C:\\missing: The system cannot find the file specified."),
        ("C:\\Windows /grant nobody:F", 1332, b"nobody: No mapping between account"),
    ],
)
def test_icacls_failures(session, arguments, code, message):
    response = session.run_cmd(f"icacls {arguments}")

    assert response.status_code == code
    assert response.std_err.startswith(message)
    assert b"Failed processing 1 files" in response.std_out


def test_get_acl_owner_and_access(session, winrm_host):
    user = winrm_host.credentials[0]
    script = (
        "New-Item -ItemType Directory C:\\acl | Out-Null\n"
        "Set-Content C:\\acl\\f.txt 'x'\n"
        "$acl = Get-Acl C:\\acl\\f.txt; $acl.Owner\n"
        '$acl.Access | ForEach-Object { "$($_.IdentityReference)|$($_.FileSystemRights)'
        '|$($_.IsInherited)" }'
    )

    response = session.run_ps(script)

    assert response.std_out.decode().split("\r\n")[:-1] == [
        f"WIN01\\{user}",
        "BUILTIN\\Administrators|FullControl|True",
        "NT AUTHORITY\\SYSTEM|FullControl|True",
        "BUILTIN\\Users|ReadAndExecute, Synchronize|True",
    ]


def test_set_acl_is_seen_by_icacls(session, winrm_host):
    user = winrm_host.credentials[0]
    script = (
        "New-Item -ItemType Directory C:\\shared | Out-Null\n"
        "$acl = Get-Acl C:\\shared\n"
        "$rule = New-Object System.Security.AccessControl.FileSystemAccessRule("
        f"'{user}', "
        "'Modify', 'ContainerInherit,ObjectInherit', 'None', 'Allow')\n"
        "$acl.SetAccessRule($rule); $acl.SetAccessRuleProtection($true, $false)\n"
        "Set-Acl -Path C:\\shared -AclObject $acl\n"
        "icacls C:\\shared"
    )

    response = session.run_ps(script)

    assert response.std_out.startswith(
        f"C:\\shared WIN01\\{user}:(OI)(CI)(M)\r\n".encode()
    )
    assert b"(I)" not in response.std_out
    descriptor = winrm_host.state.filesystem.descriptor("C:\\SHARED")
    assert descriptor.protected


def test_cmd_dir_lists_folders_first(session, winrm_host):
    filesystem = winrm_host.state.filesystem
    filesystem.make_directory("C:\\list\\zeta")
    filesystem.write_bytes("C:\\list\\alpha.txt", b"12345")

    response = session.run_cmd("dir C:\\list")
    lines = response.std_out.decode().split("\r\n")

    assert lines[3] == " Directory of C:\\list"
    assert lines[5].endswith("<DIR>          .")
    assert lines[7].endswith("<DIR>          zeta")
    assert lines[8].endswith("              5 alpha.txt")
    assert lines[9] == "               1 File(s)              5 bytes"


def test_cmd_redirection_writes_file(session, winrm_host):
    winrm_host.state.filesystem.make_directory("C:\\out")

    response = session.run_cmd("echo saved> C:\\out\\log.txt & type C:\\out\\log.txt")

    # cmd keeps the blank before `&` as part of the echoed text.
    assert response.std_out == b"saved \r\n"
    assert winrm_host.state.filesystem.read_bytes("C:\\out\\log.txt") == b"saved \r\n"


def test_powershell_redirection_writes_utf16(session, winrm_host):
    winrm_host.state.filesystem.make_directory("C:\\out")

    session.run_ps("'line' > C:\\out\\ps.txt")

    data = winrm_host.state.filesystem.read_bytes("C:\\out\\ps.txt")
    assert data == b"\xff\xfe" + "line\r\n".encode("utf-16-le")
