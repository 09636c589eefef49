"""Files kept with a case: end-use statements, licences, KYC documents.

A file is checked by its content, not its name (PDF, PNG, JPEG, TIFF, Word or Excel
documents, plain text; anything else, HTML and SVG included, is refused) and by its size,
then stored in the workspace as `attachments/<case_id>/<sha256>`, readable by its owner
alone (0600 in a 0700 folder). The case's audit trail records the file's name, kind,
size and sha256 (event `attachment_added`), so a changed file no longer matches its record.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from cases import tables as t
from flows.errors import InputError

KINDS: dict[str, str] = {
    "end_use_statement": "End-use statement",
    "licence": "Licence",
    "kyc": "KYC document",
    "correspondence": "Correspondence",
    "other": "Other document",
}
MAX_BYTES = 10 * 1024 * 1024
_OOXML = {"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
_MARKUP = re.compile(rb"<\s*(?:script|html|svg|iframe|body|!doctype)", re.IGNORECASE)
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


class AttachmentRefused(InputError):
    """The file is empty, too large, or of a kind a case does not keep."""


@dataclass(frozen=True)
class Attachment:
    attachment_id: int
    case_id: str
    file_name: str
    kind: str
    media_type: str
    size: int
    sha256: str
    added_by: str
    added_at: datetime
    note: str | None

    @property
    def kind_title(self) -> str:
        return KINDS.get(self.kind, self.kind)


def media_type_of(data: bytes) -> str:
    """The type of a file by its content; AttachmentRefused for any other."""
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if "[Content_Types].xml" in names:
            for folder, media_type in _OOXML.items():
                if any(name.startswith(folder) for name in names):
                    return media_type
        raise AttachmentRefused("a ZIP file is kept only as a Word or Excel document")
    if b"\x00" not in data and not _MARKUP.search(data[:4096]):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "text/plain"
    raise AttachmentRefused(
        "the file is not a PDF, PNG, JPEG, TIFF, Word or Excel document, or plain text"
    )


def check(data: bytes, file_name: str, kind: str, max_bytes: int = MAX_BYTES) -> str:
    """The file's media type when a case may keep it; else AttachmentRefused."""
    if kind not in KINDS:
        raise AttachmentRefused(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if not data:
        raise AttachmentRefused("the file is empty")
    if len(data) > max_bytes:
        raise AttachmentRefused(f"the file is over the limit of {max_bytes // (1024 * 1024)} MB")
    if not safe_name(file_name):
        raise AttachmentRefused("the file needs a name")
    return media_type_of(data)


def safe_name(file_name: str) -> str:
    """The file's name as kept: its last path part, NFC, without control or odd characters."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", file_name or "")[-1]).strip()
    return _UNSAFE_NAME.sub("_", base).strip("._ ")[:200]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class AttachmentFiles:
    """The attachments folder of a workspace."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, case_id: str, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256) or not re.fullmatch(r"[\w-]+", case_id):
            raise ValueError("not an attachment of a case")
        return self.root / case_id / sha256

    def write(self, case_id: str, data: bytes) -> str:
        """Keep the bytes (0600, in 0700 folders); returns their sha256."""
        digest = sha256_of(data)
        target = self.path(case_id, digest)
        for folder in (self.root, target.parent):
            if not folder.exists():
                folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        if target.exists():
            return digest
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            temporary.replace(target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        return digest

    def read(self, attachment: Attachment) -> bytes:
        """The bytes of an attachment, checked against the sha256 its record holds."""
        data = self.path(attachment.case_id, attachment.sha256).read_bytes()
        if sha256_of(data) != attachment.sha256:
            raise ValueError(f"attachment {attachment.attachment_id} no longer matches its sha256")
        return data


def list_attachments(engine: sa.Engine, case_id: str) -> list[Attachment]:
    a = t.attachments.c
    query = sa.select(t.attachments).where(a.case_id == case_id).order_by(a.attachment_id)
    with engine.connect() as conn:
        return [Attachment(**row._mapping) for row in conn.execute(query)]


def get_attachment(engine: sa.Engine, case_id: str, attachment_id: int) -> Attachment | None:
    a = t.attachments.c
    query = sa.select(t.attachments).where(a.case_id == case_id, a.attachment_id == attachment_id)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return Attachment(**row._mapping) if row else None
