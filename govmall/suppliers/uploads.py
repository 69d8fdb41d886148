"""Uploaded documents of suppliers (licence and certificate scans, commitment letters,
evidence): PDF, JPEG or PNG, checked by content, at most SUPPLIERS_UPLOAD_MAX_BYTES (10 MB).

A request larger than the limit is refused before its body is read: the upload views are
csrf_exempt on the outside (so the CSRF middleware does not parse the body), look at
Content-Length first, install `LimitedUploadHandler` (which stops a body without a length at
the limit) and only then run the csrf_protect'ed view — the pattern Django's documentation
gives for changing upload handlers in a view.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from govmall.core.errors import BusinessError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
KINDS = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def max_bytes() -> int:
    return getattr(settings, "SUPPLIERS_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def too_large_message(size: int) -> str:
    return f"上传的文件为 {mb(size)}，超过上限 {mb(max_bytes())}，请压缩或分页扫描后再上传"


def request_too_large(request) -> str:
    """A Chinese refusal when the request body announces more than one document may be, or ""."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # Room for the other form fields and the multipart framing.
    if length > max_bytes() + 256 * 1024:
        return too_large_message(length)
    return ""


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading an upload once it passes the limit (for bodies without Content-Length)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.seen = 0

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > max_bytes():
            if self.request is not None:
                self.request._upload_too_large = self.seen
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def install_limit(request) -> None:
    request.upload_handlers.insert(0, LimitedUploadHandler(request))


def check_document(upload, *, field: str = "file") -> tuple[str, bytes]:
    """The document's extension (pdf / jpg / png) and bytes, or a BusinessError naming the
    fault. Checked by content: a PDF starts with %PDF-, images must open with Pillow."""
    if upload is None:
        raise BusinessError("请选择要上传的文件（PDF、JPG 或 PNG）", field=field)
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise BusinessError("文件是空的，请重新选择", field=field)
    if size > max_bytes():
        raise BusinessError(too_large_message(size), field=field)
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise BusinessError(too_large_message(len(data)), field=field)
    name = (getattr(upload, "name", "") or "").lower()
    if data[:1024].lstrip().startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise BusinessError("PDF 文件不完整（缺少文件结束标记），请重新导出后上传", field=field)
        return "pdf", data
    if name.endswith(".pdf"):
        raise BusinessError("文件名为 .pdf，但内容不是 PDF 文件，请上传真实的 PDF 扫描件", field=field)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BusinessError("只接受 PDF、JPG 或 PNG 格式的扫描件（此文件无法识别）", field=field) from None
    if fmt == "JPEG":
        return "jpg", data
    if fmt == "PNG":
        return "png", data
    raise BusinessError(f"只接受 PDF、JPG 或 PNG 格式的扫描件（此文件为 {fmt}）", field=field)


def store(supplier_id: int, ext: str, data: bytes) -> str:
    """Save under MEDIA_ROOT/suppliers/<org>/ with a random name; returns the storage name."""
    return default_storage.save(f"suppliers/{supplier_id}/{uuid.uuid4().hex}.{ext}", ContentFile(data))
