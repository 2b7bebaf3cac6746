"""Checking an uploaded document: its real type is read from the content (magic bytes), never from
the name or the browser's claim. Used by the admin, the portal and the API alike.

Accepted: PDF, PNG, JPEG, GIF, plain text / CSV, Word (.docx) and Excel (.xlsx). Refused:
executables and scripts, HTML, SVG and other markup, macro-enabled or other ZIP files, anything
unknown, empty files and files above ``settings.DOCUMENT_MAX_BYTES``. Office documents (ZIP) are
bounded before anything is unpacked: number of parts, unpacked size per part and in total, and
the compression ratio (``DOCUMENT_ZIP_*`` settings), so a "zip bomb" is refused in milliseconds.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
TEXT = "text/plain"
CSV = "text/csv"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXTENSIONS = {
    PDF: ("pdf",),
    PNG: ("png",),
    JPEG: ("jpg", "jpeg"),
    GIF: ("gif",),
    TEXT: ("txt", "text", "log", "md", "eml"),
    CSV: ("csv",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
}
EXECUTABLE_SIGNATURES = (
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a Linux program")),
    (b"\xfe\xed\xfa\xce", gettext_lazy("a macOS program")),
    (b"\xfe\xed\xfa\xcf", gettext_lazy("a macOS program")),
    (b"\xce\xfa\xed\xfe", gettext_lazy("a macOS program")),
    (b"\xcf\xfa\xed\xfe", gettext_lazy("a macOS program")),
    (b"\xca\xfe\xba\xbe", gettext_lazy("a macOS or Java program")),
    (b"#!", gettext_lazy("a script")),
)
# Parts smaller than this may be compressed as much as they like (XML of repeated tags does).
ZIP_RATIO_FLOOR_BYTES = 1024 * 1024
# "[Content_Types].xml" of a real office document is a few kilobytes.
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe",
          b"<object", b"<embed")


@dataclass(frozen=True)
class InspectedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str


def _fail(name: str, problem: str) -> ValidationError:
    return ValidationError(f"{name}: {problem}", code="invalid_document")


def _read(upload, limit: int) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def _check_archive_bounds(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a ZIP whose members would inflate beyond the limits (a "zip bomb"), judged from the
    central directory before anything is decompressed. Reading later stops at each member's
    declared size, so a member cannot inflate past what is checked here."""
    members = archive.infolist()
    if len(members) > settings.DOCUMENT_ZIP_MAX_MEMBERS:
        raise _fail(name, _("the document has %(members)s parts; at most "
                            "%(document_zip_max_members)s are accepted.") % {
                              "members": len(members),
                              "document_zip_max_members": settings.DOCUMENT_ZIP_MAX_MEMBERS})
    total = 0
    for member in members:
        size = member.file_size
        if size > settings.DOCUMENT_ZIP_MAX_MEMBER_BYTES:
            raise _fail(name, _("a part of the document unpacks to %(size)s; the limit is "
                                "%(limit)s (a compressed bomb?).") % {
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.DOCUMENT_ZIP_MAX_MEMBER_BYTES)})
        ratio = size / max(member.compress_size, 1)
        if size > ZIP_RATIO_FLOOR_BYTES and ratio > settings.DOCUMENT_ZIP_MAX_RATIO:
            raise _fail(name, _("a part of the document is compressed %(ratio)s:1; at "
                                "most %(limit)s:1 is accepted (a compressed bomb?).") % {
                "ratio": format(ratio, '.0f'), "limit": settings.DOCUMENT_ZIP_MAX_RATIO})
        total += size
    if total > settings.DOCUMENT_ZIP_MAX_TOTAL_BYTES:
        raise _fail(name, _("the document unpacks to %(size)s; the limit is %(limit)s (a "
                            "compressed bomb?).") % {
            "size": filesizeformat(total),
            "limit": filesizeformat(settings.DOCUMENT_ZIP_MAX_TOTAL_BYTES)})


def _read_member(archive: zipfile.ZipFile, member: str, limit: int) -> bytes:
    """At most ``limit`` bytes of ``member``, decompressed in chunks."""
    chunks, read = [], 0
    with archive.open(member) as stream:
        while read < limit:
            chunk = stream.read(min(64 * 1024, limit - read))
            if not chunk:
                break
            chunks.append(chunk)
            read += len(chunk)
    return b"".join(chunks)


def _office_type(data: bytes, name: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_archive_bounds(archive, name)
        names = set(archive.namelist())
        manifest = "[Content_Types].xml"
        content_types = (
            _read_member(archive, manifest, CONTENT_TYPES_MAX_BYTES) if manifest in names else b""
        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, RuntimeError, ValueError,
            NotImplementedError, EOFError, zlib.error) as error:
        raise _fail(name, _("the ZIP file is damaged.")) from error
    if not content_types:
        raise _fail(name, _("ZIP archives are not accepted; only Word (.docx) and Excel (.xlsx)."))
    lowered = content_types.lower()
    if b"macroenabled" in lowered or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _fail(name, _("documents with macros are not accepted; save it as .docx or .xlsx."))
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise _fail(name, _("only Word (.docx) and Excel (.xlsx) office documents are accepted."))


def _text_type(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise _fail(name, _("the file type is not accepted (PDF, images, text, CSV, Word, "
                            "Excel)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise _fail(name, _("the file type is not accepted.")) from error
    allowed_controls = {"\t", "\n", "\r", "\f"}
    if any(ord(char) < 32 and char not in allowed_controls for char in text):
        raise _fail(name, _("the file type is not accepted (binary content)."))
    head = text[:4096].lstrip().lower().encode("utf-8", "ignore")
    if head.startswith(b"<") or any(marker in head for marker in MARKUP):
        raise _fail(name, _("HTML, SVG and other markup files are not accepted."))
    return CSV if name.lower().endswith(".csv") else TEXT


def detect_content_type(data: bytes, name: str = "file") -> str:
    """The content type of ``data`` from its first bytes, or a ValidationError naming the
    problem."""
    for signature, what in EXECUTABLE_SIGNATURES:
        if data.startswith(signature):
            raise _fail(name, _("the content is %(what)s; programs and scripts are not "
                                "accepted.") % {
                                  "what": what})
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data, name)
    return _text_type(data, name)


def inspect_upload(upload, *, max_bytes: int | None = None) -> InspectedUpload:
    """Check an uploaded file (Django ``UploadedFile`` or any file object with a ``name``).

    Raises ``django.core.exceptions.ValidationError`` with a message that names the file and the
    problem; returns the detected type, the extension to store it under, the size and SHA-256.
    """
    name = getattr(upload, "name", None) or "file"
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    limit = settings.DOCUMENT_MAX_BYTES if max_bytes is None else max_bytes
    declared_size = getattr(upload, "size", None)
    if declared_size is not None and declared_size > limit:
        raise _fail(name, _("the file is %(filesizeformat)s; the limit is "
                            "%(filesizeformat2)s.") % {
                              "filesizeformat": filesizeformat(declared_size),
                              "filesizeformat2": filesizeformat(limit)})
    data = _read(upload, limit)
    if len(data) > limit:
        raise _fail(name, _("the file is larger than the limit of %(filesizeformat)s.") % {
                              "filesizeformat": filesizeformat(limit)})
    if not data:
        raise _fail(name, _("the file is empty."))
    content_type = detect_content_type(data, name)
    allowed = EXTENSIONS[content_type]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension and extension not in allowed:
        raise _fail(name, _("the name ends in .%(extension)s but the content is "
                            "%(kind)s; rename it to .%(expected)s if that is right.") % {
                              "extension": extension, "kind": allowed[0].upper(),
                              "expected": allowed[0]})
    return InspectedUpload(
        content_type=content_type,
        extension=extension or allowed[0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def validate_document(upload) -> None:
    """A form/serializer field validator: raises ValidationError for a refused file."""
    inspect_upload(upload)
