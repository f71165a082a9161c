"""Checks of target settings that the form and any other caller share."""

import ipaddress
import re

from cryptography import x509

DEFAULT_PORTS = {"http": 5985, "https": 5986}
MAX_HOST_LENGTH = 253
HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
KERBEROS_USER = re.compile(r"^[^@\s\\]+@[^@\s\\]+$")


def is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_error(host: str) -> str | None:
    """Return why ``host`` is not an IP address or DNS host name, or None."""
    if "%" in host:
        return "IPv6 zone ids such as %eth0 are not supported: use a routable address."
    if is_ip_address(host):
        return None
    if host.startswith("["):
        return "Enter an IPv6 address without the square brackets."
    labels = host.split(".")
    valid = len(host) <= MAX_HOST_LENGTH and all(HOST_LABEL.match(x) for x in labels)
    # A name whose last label is all digits would be read as a malformed IPv4
    # address, so reject it as a host name too.
    if not valid or labels[-1].isdigit():
        return (
            f"{host!r} is not a valid host name or IP address: use letters, digits "
            "and hyphens in dot-separated labels, e.g. web01.example.test."
        )
    return None


def ca_bundle_error(pem: str) -> str | None:
    """Return why ``pem`` is not a bundle of PEM certificates, or None."""
    if "PRIVATE KEY-----" in pem:
        return "The CA bundle contains a private key: paste only certificates."
    try:
        certificates = x509.load_pem_x509_certificates(pem.encode("utf-8"))
    except ValueError:
        certificates = []
    if not certificates:
        return (
            "The CA bundle is not valid PEM: paste one or more certificates, each "
            "from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----."
        )
    return None


def kerberos_host_error(host: str) -> str | None:
    """Return why Kerberos cannot reach ``host``, or None."""
    if is_ip_address(host):
        return (
            "Kerberos needs a host name, not an IP address: tickets are issued for "
            "service names such as HTTP/web01.example.test, so enter the host's "
            "DNS name."
        )
    return None


def kerberos_user_error(credential_name: str, username: str) -> str | None:
    """Return why a credential's user name cannot get a Kerberos ticket, or None."""
    if KERBEROS_USER.match(username):
        return None
    return (
        f"Kerberos needs the user name in user@REALM form, e.g. alice@EXAMPLE.TEST, "
        f"because the ticket is requested from that realm. Credential "
        f"{credential_name} has {username!r}."
    )


def security_warning(transport: str | None, auth: str | None) -> str | None:
    """Return a warning for settings that expose the password, or None."""
    if transport == "http" and auth == "basic":
        return (
            "Basic authentication over plain HTTP sends the password unencrypted "
            "and needs AllowUnencrypted on the host: prefer HTTPS, or NTLM or "
            "Kerberos, which encrypt messages over HTTP."
        )
    return None


def basic_over_http_error(transport: str | None, auth: str | None) -> str | None:
    """Return why Basic authentication over plain HTTP is rejected, or None."""
    if transport == "http" and auth == "basic":
        return (
            "Basic authentication over plain HTTP is not allowed: it sends the "
            "password unencrypted, and Windows rejects it unless AllowUnencrypted "
            "is true. Use HTTPS, or NTLM or Kerberos, which encrypt messages over "
            "HTTP."
        )
    return None
