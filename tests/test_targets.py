"""Target pages: access, field checks, the HTTP warning and connection tests."""

import datetime
import re
import socket

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.credentials.models import Credential
from app.extensions import db
from app.targets.models import Target

BROKEN_CERTIFICATE = "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----"
PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"
PLAIN_WARNING = "Basic authentication over plain HTTP sends the password unencrypted"


def csrf_token(client, url: str = "/targets/") -> str:
    page = client.get(url)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def add_credential(name: str = "ops", username: str = "CORP\\ops") -> Credential:
    credential = Credential(name=name, username=username)
    credential.set_password("secret-password")
    db.session.add(credential)
    db.session.commit()
    return credential


def target_form(client, **fields) -> dict:
    data = {
        "name": "web01",
        "host": "web01.example.test",
        "port": "",
        "transport": "https",
        "auth": "ntlm",
        "validate_certificate": "y",
        "ca_bundle": "",
        "codepage": "65001",
        "operation_timeout_sec": "20",
        "read_timeout_sec": "30",
        "group": "web",
        "max_concurrent_runs": "1",
        "credential_id": "0",
        **fields,
    }
    data["csrf_token"] = csrf_token(client)
    return data


def post_target(client, url: str = "/targets/new", **fields):
    return client.post(url, data=target_form(client, **fields))


def self_signed_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def audit_events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_list_and_detail_render(client, login, make_target, role):
    login(role)
    target = make_target(name="win01")

    listing = client.get("/targets/")
    detail = client.get(f"/targets/{target.id}")

    assert listing.status_code == 200
    assert "win01" in listing.text
    assert detail.status_code == 200
    assert "http://127.0.0.1:5985/wsman" in detail.text


def test_admin_form_pages_render(client, login, make_target):
    login("admin")
    target = make_target(name="win01")

    assert client.get("/targets/new").status_code == 200
    assert client.get(f"/targets/{target.id}/edit").status_code == 200


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_non_admin_cannot_change_targets(client, login, make_target, role):
    login(role)
    target = make_target(name="win01")
    edit_url = f"/targets/{target.id}/edit"

    assert client.get("/targets/new").status_code == 403
    assert client.get(edit_url).status_code == 403
    assert post_target(client).status_code == 403
    assert post_target(client, edit_url, name="renamed").status_code == 403
    delete_url = f"/targets/{target.id}/delete"
    token = csrf_token(client)
    assert client.post(delete_url, data={"csrf_token": token}).status_code == 403


def test_viewer_cannot_test_connection(client, login, make_target):
    login("viewer")
    target = make_target(name="win01")

    response = client.post(
        f"/targets/{target.id}/test", data={"csrf_token": csrf_token(client)}
    )

    assert response.status_code == 403
    assert "Test connection" not in client.get(f"/targets/{target.id}").text
    assert audit_events("target_connection_tested") == []


def test_admin_creates_target(client, login):
    login("admin")
    credential = add_credential()

    response = post_target(client, credential_id=str(credential.id))

    assert response.status_code == 302
    target = db.session.scalar(select(Target).filter_by(name="web01"))
    assert target.endpoint == "https://web01.example.test:5986/wsman"
    assert target.credential_id == credential.id
    assert target.validate_certificate is True
    assert target.group == "web"
    assert [e.object_id for e in audit_events("target_created")] == [target.id]


def test_concurrent_runs_saved_and_shown(client, login):
    login("admin")

    response = post_target(client, max_concurrent_runs="3")

    assert response.status_code == 302
    target = db.session.scalar(select(Target))
    assert target.max_concurrent_runs == 3
    page = client.get(f"/targets/{target.id}").text
    assert "<dt>Concurrent runs</dt><dd>at most 3 at once" in page
    assert [
        e.detail["max_concurrent_runs"] for e in audit_events("target_created")
    ] == [3]


def test_concurrent_runs_default_and_hint(client, login):
    login("admin")

    page = client.get("/targets/new").text

    field = re.search(r'<input[^>]* name="max_concurrent_runs"[^>]*>', page)
    assert field
    assert 'value="1"' in field.group(0)
    assert "Windows allows a limited number of shells per user" in page


def test_edit_changes_concurrent_runs(client, login, make_target):
    login("admin")
    target = make_target(name="win01")
    edit_url = f"/targets/{target.id}/edit"

    form = client.get(edit_url).text
    response = post_target(
        client,
        edit_url,
        name="win01",
        max_concurrent_runs="2",
        credential_id=str(target.credential_id),
    )

    assert re.search(r'name="max_concurrent_runs"[^>]*value="1"', form)
    assert response.status_code == 302
    db.session.expire_all()
    assert target.max_concurrent_runs == 2


def test_empty_port_follows_transport(client, login):
    login("admin")

    post_target(client, name="plain", transport="http")
    post_target(client, name="tls", transport="https")
    post_target(client, name="custom", transport="https", port="15986")

    ports = dict(db.session.execute(select(Target.name, Target.port)).all())
    assert ports == {"plain": 5985, "tls": 5986, "custom": 15986}


def test_admin_edits_target(client, login, make_target):
    login("admin")
    target = make_target(name="win01")

    response = post_target(
        client,
        f"/targets/{target.id}/edit",
        name="win01",
        host="10.0.0.5",
        codepage="437",
        credential_id=str(target.credential_id),
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert target.host == "10.0.0.5"
    assert target.codepage == 437
    assert [e.object_id for e in audit_events("target_updated")] == [target.id]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"port": "70000"}, "Port must be between 1 and 65535."),
        ({"port": "0"}, "Port must be between 1 and 65535."),
        ({"host": "web_01..example"}, "is not a valid host name or IP address"),
        ({"host": "-web01"}, "is not a valid host name or IP address"),
        ({"host": "[::1]"}, "without the square brackets"),
        ({"operation_timeout_sec": "0"}, "seconds above 0"),
        (
            {"operation_timeout_sec": "30", "read_timeout_sec": "30"},
            "must be longer than the operation timeout",
        ),
        (
            {"operation_timeout_sec": "60", "read_timeout_sec": "30"},
            "must be longer than the operation timeout",
        ),
        ({"ca_bundle": "not a certificate"}, "The CA bundle is not valid PEM"),
        ({"ca_bundle": BROKEN_CERTIFICATE}, "The CA bundle is not valid PEM"),
        ({"ca_bundle": PRIVATE_KEY}, "contains a private key"),
        ({"codepage": "1251"}, "Not a valid choice"),
        ({"auth": "digest"}, "Not a valid choice"),
        ({"name": ""}, "This field is required."),
        ({"max_concurrent_runs": "0"}, "concurrent runs as a whole number of 1 or"),
        ({"max_concurrent_runs": "-3"}, "concurrent runs as a whole number of 1 or"),
        ({"max_concurrent_runs": ""}, "This field is required."),
        ({"max_concurrent_runs": "two"}, "Not a valid integer value."),
        ({"auth": "kerberos", "host": "10.0.0.5"}, "Kerberos needs a credential"),
    ],
)
def test_invalid_fields_rejected(client, login, fields, message):
    login("admin")

    response = post_target(client, **fields)

    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(select(Target)) is None


def test_kerberos_rejects_ip_address(client, login):
    login("admin")
    credential = add_credential(username="ops@CORP.EXAMPLE")

    response = post_target(
        client, auth="kerberos", host="192.0.2.10", credential_id=str(credential.id)
    )

    assert response.status_code == 422
    assert "Kerberos needs a host name, not an IP address" in response.text
    assert "tickets are issued for service names" in response.text


def test_kerberos_needs_realm_user(client, login):
    login("admin")
    credential = add_credential(username="CORP\\ops")

    response = post_target(client, auth="kerberos", credential_id=str(credential.id))

    assert response.status_code == 422
    assert "user@REALM form" in response.text


def test_kerberos_accepts_name_and_realm(client, login):
    login("admin")
    credential = add_credential(username="ops@CORP.EXAMPLE")

    response = post_target(client, auth="kerberos", credential_id=str(credential.id))

    assert response.status_code == 302


def test_valid_ca_bundle_saved(client, login):
    login("admin")
    pem = self_signed_pem()

    response = post_target(client, ca_bundle=pem + pem)

    assert response.status_code == 302
    target = db.session.scalar(select(Target))
    assert target.ca_bundle.count("BEGIN CERTIFICATE") == 2


def test_duplicate_name_rejected(client, login, make_target):
    login("admin")
    make_target(name="win01")

    response = post_target(client, name="win01")

    assert response.status_code == 422
    assert "A target named win01 already exists" in response.text


def test_basic_over_http_rejected(client, login, make_target):
    login("admin")
    make_target(name="legacy", transport="http", auth="basic")

    form = post_target(client, transport="http", auth="basic")
    listing = client.get("/targets/")
    secure = post_target(client, name="web02", transport="https", auth="basic")

    assert form.status_code == 422
    assert "Basic authentication over plain HTTP is not allowed" in form.text
    assert "Unencrypted password" in listing.text
    assert secure.status_code == 302


def test_delete_unused_target(client, login, make_target):
    login("admin")
    target = make_target(name="win01")
    target_id = target.id

    response = client.post(
        f"/targets/{target_id}/delete", data={"csrf_token": csrf_token(client)}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Target, target_id) is None
    assert [e.object_id for e in audit_events("target_deleted")] == [target_id]


def test_missing_csrf_rejected(client, login, make_target):
    login("operator")
    target = make_target(name="win01")

    response = client.post(f"/targets/{target.id}/test")

    assert response.status_code == 400
    assert audit_events("target_connection_tested") == []


def sim_target(make_target, winrm_host, password: str | None = None) -> Target:
    username, real_password = winrm_host.credentials
    return make_target(
        winrm_host,
        name="win01",
        username=username,
        password=real_password if password is None else password,
    )


def test_connection_succeeds(client, login, make_target, winrm_host):
    login("operator")
    target = sim_target(make_target, winrm_host)

    response = client.post(
        f"/targets/{target.id}/test",
        data={"csrf_token": csrf_token(client), "return_to": "show"},
    )
    page = client.get(response.headers["Location"])

    assert response.status_code == 302
    assert response.headers["Location"] == f"/targets/{target.id}"
    assert re.search(r"Connected to WIN01 in \d+ ms", page.text)
    (event,) = audit_events("target_connection_tested")
    assert event.object_id == target.id
    assert event.detail["ok"] is True


def test_connection_fragment_for_htmx(client, login, make_target, winrm_host):
    login("operator")
    target = sim_target(make_target, winrm_host)

    response = client.post(
        f"/targets/{target.id}/test",
        data={"csrf_token": csrf_token(client)},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="connection-result"')
    assert "<html" not in response.text
    assert re.search(r"Connected to WIN01 in \d+ ms", response.text)


def test_connection_wrong_password(client, login, make_target, winrm_host):
    login("admin")
    target = sim_target(make_target, winrm_host, password="wrong-password")

    response = client.post(
        f"/targets/{target.id}/test",
        data={"csrf_token": csrf_token(client), "return_to": "edit"},
        follow_redirects=True,
    )

    assert response.request.path == f"/targets/{target.id}/edit"
    assert "Connection to win01 failed" in response.text
    assert "rejected the user name or password" in response.text
    (event,) = audit_events("target_connection_tested")
    assert event.detail["ok"] is False
    assert event.detail["category"] == "authentication"


def test_connection_closed_port(client, login, make_target):
    login("operator")
    target = make_target(name="win01", host="127.0.0.1", port=closed_port())

    response = client.post(
        f"/targets/{target.id}/test",
        data={"csrf_token": csrf_token(client)},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "network error." in response.text
    assert "connection refused" in response.text
    (event,) = audit_events("target_connection_tested")
    assert event.detail["category"] == "network"
