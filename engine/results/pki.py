"""A small certificate authority and an agency's signing certificate, for the embedded demo and
the tests. A real deployment uses the certificate its agency was issued (a PKCS#12 file:
MOTCUA_SIGNING_P12, docs/OPERATIONS.md); nothing here is used then."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Pki:
    p12: Path  # the agency's key and certificate, with the CA certificate in its chain
    passphrase: bytes
    ca_pem: Path  # the trust root a verifier needs


def make_pki(p12: Path, ca_pem: Path, agency_name: str, passphrase: bytes, *,
             ca_name: str = "motcua demo CA") -> Pki:
    """A CA (10 years) and a certificate for ``agency_name`` signed by it (3 years): the key and
    certificate to ``p12`` (mode 0600, its folder created 0700), the CA certificate to ``ca_pem``."""
    for folder in {p12.parent, ca_pem.parent}:
        folder.mkdir(parents=True, exist_ok=True)
    p12.parent.chmod(0o700)
    now = datetime.now(timezone.utc) - timedelta(days=1)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                            x509.NameAttribute(NameOID.COMMON_NAME, ca_name)])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_subject).issuer_name(ca_subject)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now).not_valid_after(now + timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency_name),
                         x509.NameAttribute(NameOID.COMMON_NAME, agency_name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    p12.touch(mode=0o600)
    # The demo's key has no passphrase (the file is the owner's only); a real one always has one.
    protection = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"agency", key, cert, [ca_cert], protection))
    ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return Pki(p12, passphrase, ca_pem)
