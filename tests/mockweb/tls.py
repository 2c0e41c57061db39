"""Self-signed certificates, minted per host on first use, for terminating CONNECT tunnels.

Clients of the mock (Scrapy by default, tests with an unverified context) do not verify
certificates; the certificate still names the host (CN and SAN) so one that checks names but
not trust sees what it expects. One EC key serves every host: EC keys are fast to make.
"""

from __future__ import annotations

import ipaddress
import ssl
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


class CertificateStore:
    """Server-side ``SSLContext``s, one per host, made on demand and cached."""

    def __init__(self) -> None:
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._lock = threading.Lock()
        self._contexts: dict[str, ssl.SSLContext] = {}

    def context_for(self, host: str) -> ssl.SSLContext:
        """A TLS server context presenting a certificate for ``host``."""
        with self._lock:
            if host not in self._contexts:
                self._contexts[host] = self._make_context(host)
            return self._contexts[host]

    def certificate_pem(self, host: str) -> bytes:
        """The PEM certificate for ``host`` (a fresh one; same key and names)."""
        return make_certificate(self._key, host).public_bytes(serialization.Encoding.PEM)

    def _make_context(self, host: str) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.set_alpn_protocols(["http/1.1"])  # never negotiate h2: the server speaks 1.1
        key_pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # The ssl module loads certificates from files only; they live a moment in a temp dir.
        with tempfile.TemporaryDirectory(prefix="mockweb-tls-") as tmp:
            cert_file, key_file = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
            cert_file.write_bytes(self.certificate_pem(host))
            key_file.write_bytes(key_pem)
            context.load_cert_chain(cert_file, key_file)
        return context


def make_certificate(key: ec.EllipticCurvePrivateKey, host: str) -> x509.Certificate:
    """A self-signed certificate whose CN and SAN are ``host``."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([_general_name(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)
