"""Credential pages: who may see and change them, and a write-only password."""

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.credentials.models import Credential
from app.extensions import db

SECRET = "Zq8-never-shown-7341"


def csrf_token(client, url: str = "/credentials/") -> str:
    page = client.get(url)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_credential(client, url: str, **fields):
    data = {"name": "ops", "username": "CORP\\ops", "password": SECRET, **fields}
    data["csrf_token"] = csrf_token(client)
    return client.post(url, data=data)


def add_credential(name: str = "ops", password: str = SECRET) -> Credential:
    credential = Credential(name=name, username="CORP\\ops")
    credential.set_password(password)
    db.session.add(credential)
    db.session.commit()
    return credential


def audit_actions() -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_list_renders_for_every_role(client, login, role):
    login(role)
    add_credential()

    response = client.get("/credentials/")

    assert response.status_code == 200
    assert "ops" in response.text
    assert "CORP\\ops" in response.text


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_non_admin_cannot_manage(client, login, role):
    login(role)
    credential = add_credential()
    token = csrf_token(client)
    edit_url = f"/credentials/{credential.id}/edit"

    assert client.get("/credentials/new").status_code == 403
    assert client.get(edit_url).status_code == 403
    data = {"csrf_token": token, "name": "x", "username": "x", "password": "x"}
    assert client.post("/credentials/new", data=data).status_code == 403
    assert client.post(edit_url, data=data).status_code == 403
    delete_url = f"/credentials/{credential.id}/delete"
    assert client.post(delete_url, data={"csrf_token": token}).status_code == 403
    assert db.session.get(Credential, credential.id) is not None


def test_admin_pages_render(client, login):
    login("admin")
    credential = add_credential()

    assert client.get("/credentials/new").status_code == 200
    assert client.get(f"/credentials/{credential.id}/edit").status_code == 200


def test_admin_creates_credential(client, login):
    login("admin")

    response = post_credential(client, "/credentials/new")

    assert response.status_code == 302
    credential = db.session.scalar(select(Credential).filter_by(name="ops"))
    assert credential.username == "CORP\\ops"
    assert credential.get_password() == SECRET
    assert SECRET.encode() not in credential.password_encrypted
    assert audit_actions()[-1] == "credential_created"


def test_password_never_rendered(client, login):
    login("admin")
    credential = add_credential()
    edit_url = f"/credentials/{credential.id}/edit"

    pages = {
        "list": client.get("/credentials/"),
        "edit": client.get(edit_url),
        "failed create": post_credential(client, "/credentials/new"),
        "failed edit": post_credential(client, edit_url, username=""),
        "new after failure": client.get("/credentials/new"),
    }

    assert pages["failed create"].status_code == 422
    assert pages["failed edit"].status_code == 422
    for name, response in pages.items():
        assert SECRET not in response.text, f"password shown on {name} page"


def test_edit_keeps_password_when_empty(client, login):
    login("admin")
    credential = add_credential()

    response = post_credential(
        client,
        f"/credentials/{credential.id}/edit",
        username="ops@CORP.EXAMPLE",
        password="",
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert credential.username == "ops@CORP.EXAMPLE"
    assert credential.get_password() == SECRET
    event = db.session.scalar(select(AuditEvent).filter_by(action="credential_updated"))
    assert event.detail["password_changed"] is False


def test_edit_changes_password(client, login):
    login("admin")
    credential = add_credential()

    response = post_credential(
        client, f"/credentials/{credential.id}/edit", password="new-password-1"
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert credential.get_password() == "new-password-1"


def test_kerberos_target_keeps_realm_user(client, login, make_target):
    login("admin")
    target = make_target(
        name="web01", host="web01.example.test", auth="kerberos", username="a@EX.TEST"
    )

    response = post_credential(
        client, f"/credentials/{target.credential_id}/edit", name="web01-login"
    )

    assert response.status_code == 422
    assert "web01 use Kerberos with this credential" in response.text
    assert "user@REALM form" in response.text


def test_new_credential_needs_password(client, login):
    login("admin")

    response = post_credential(client, "/credentials/new", password="")

    assert response.status_code == 422
    assert "This field is required." in response.text
    assert db.session.scalar(select(Credential)) is None


def test_duplicate_name_rejected(client, login):
    login("admin")
    add_credential("ops")
    other = add_credential("backup")

    created = post_credential(client, "/credentials/new", name="ops")
    renamed = post_credential(client, f"/credentials/{other.id}/edit", name="ops")

    assert created.status_code == 422
    assert "A credential named ops already exists" in created.text
    assert renamed.status_code == 422
    assert "A credential named ops already exists" in renamed.text


def test_delete_in_use_refused(client, login, make_target):
    login("admin")
    target = make_target(name="win01")
    credential_id = target.credential_id

    response = client.post(
        f"/credentials/{credential_id}/delete",
        data={"csrf_token": csrf_token(client)},
        follow_redirects=True,
    )

    assert "is used by win01" in response.text
    assert db.session.get(Credential, credential_id) is not None
    assert "credential_deleted" not in audit_actions()


def test_delete_unused_credential(client, login):
    login("admin")
    credential = add_credential()
    credential_id = credential.id

    response = client.post(
        f"/credentials/{credential_id}/delete", data={"csrf_token": csrf_token(client)}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Credential, credential_id) is None
    assert audit_actions()[-1] == "credential_deleted"


def test_missing_csrf_rejected(client, login):
    login("admin")

    response = client.post(
        "/credentials/new", data={"name": "ops", "username": "u", "password": "p"}
    )

    assert response.status_code == 400
    assert db.session.scalar(select(Credential)) is None
