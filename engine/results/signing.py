"""Signing a result document as the agency (PAdES baseline B, pyHanko) and checking a file
someone shows us: is it signed by a certificate we trust, and is the signature intact over the
whole file."""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from engine.errors import InvalidState

FIELD = "ChuKyCoQuan"
log = logging.getLogger("motcua.results")


def load_signer(p12: Path, passphrase: bytes):
    if not p12.is_file():
        raise InvalidState("Chưa cấu hình chứng thư số của cơ quan để ký kết quả điện tử.",
                           "The agency's signing certificate is not configured.")
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=passphrase or None)
    if signer is None:
        raise InvalidState("Không mở được chứng thư số của cơ quan (sai mật khẩu hoặc tệp hỏng).",
                           "The agency's signing certificate cannot be opened (wrong passphrase or damaged file).")
    return signer


def _off_any_event_loop(work):
    """pyHanko's synchronous calls run their own event loop (asyncio.run), which fails in a thread
    that already runs one (an async server, Playwright's sync API in tests): there, the work gets
    a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def sign(pdf: bytes, signer, *, reason: str, location: str) -> bytes:
    return _off_any_event_loop(lambda: _sign(pdf, signer, reason=reason, location=location))


def _sign(pdf: bytes, signer, *, reason: str, location: str) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, location=location)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def signer_name(signer) -> str:
    return common_name(signer.signing_cert)


def common_name(cert) -> str:
    """The name a person reads on the certificate (its common name), else the whole subject."""
    name = cert.subject.native.get("common_name")
    return name if isinstance(name, str) and name else cert.subject.human_friendly


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool  # the file carries a signature at all
    intact: bool  # nothing covered by the signature changed
    trusted: bool | None  # the certificate leads to a root we trust (None: its signature could not be read)
    whole_file: bool  # the signature covers the whole file (nothing added after signing)
    signer: str = ""

    @property
    def genuine(self) -> bool:
        return bool(self.signed and self.intact and self.trusted and self.whole_file)


NOT_SIGNED = SignatureCheck(False, False, False, False)


def check(pdf: bytes, trust_roots: list[Path]) -> SignatureCheck:
    """Never raises on what a visitor uploads: an unreadable file is simply not signed."""
    return _off_any_event_loop(lambda: _check(pdf, trust_roots))


def _check(pdf: bytes, trust_roots: list[Path]) -> SignatureCheck:
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # not a PDF, or one pyHanko cannot read: nothing to trust
        return NOT_SIGNED
    if not signatures:
        return NOT_SIGNED
    roots = [load_cert_from_pemder(str(p)) for p in trust_roots if p.is_file()]
    try:
        status = validate_pdf_signature(signatures[-1], ValidationContext(trust_roots=roots))
    except Exception:  # a malformed signature dictionary
        log.info("an uploaded file's signature could not be validated", exc_info=True)
        return SignatureCheck(True, False, None, False)  # broken; whose it is, nobody can say
    return SignatureCheck(True, bool(status.intact and status.valid), _chain_trusted(status),
                          status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                          common_name(status.signing_cert) if status.signing_cert else "")


def _chain_trusted(status) -> bool:
    """Does the signer's certificate lead to a root we trust? pyHanko's ``status.trusted`` also
    requires the signature to be intact, so a file of ours changed after signing would be reported
    as signed by a stranger; the certificate's own answer is whether a path to a trust root was
    found and validated without a problem."""
    return status.validation_path is not None and status.trust_problem_indic is None
