import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govmall.audit.models import AuditEntry
from govmall.core.errors import BusinessError
from govmall.products import services
from govmall.products.models import ListingImage

from .conftest import make_listing, png_upload

pytestmark = pytest.mark.django_db


def _files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("fmt, ctype", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_jpeg_png_and_webp_are_accepted_re_encoded_with_a_thumbnail(supplier, settings, fmt, ctype):
    listing = make_listing(supplier, status="draft")
    image = services.image_add(listing=listing, upload=png_upload(800, 600, fmt=fmt, name="x.bin"))
    assert (image.content_type, image.width, image.height) == (ctype, 800, 600)
    assert len(_files(settings)) == 2
    from PIL import Image

    with Image.open(settings.MEDIA_ROOT / image.thumb.name) as t:
        assert max(t.size) == 480


def test_exif_metadata_is_dropped(supplier, settings):
    from PIL import Image

    buf = io.BytesIO()
    img = Image.new("RGB", (400, 300), (1, 2, 3))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    img.save(buf, "JPEG", exif=exif)
    listing = make_listing(supplier, status="draft")
    image = services.image_add(listing=listing, upload=SimpleUploadedFile("a.jpg", buf.getvalue()))
    assert b"SecretCam" not in (settings.MEDIA_ROOT / image.file.name).read_bytes()


def _refused(listing, upload, settings, text):
    before = AuditEntry.objects.count()
    with pytest.raises(BusinessError) as exc:
        services.image_add(listing=listing, upload=upload)
    assert exc.value.field == "image"
    assert text in exc.value.message
    assert ListingImage.objects.count() == 0
    assert _files(settings) == []
    assert AuditEntry.objects.count() == before


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(supplier, settings):
    listing = make_listing(supplier, status="draft")
    _refused(listing, SimpleUploadedFile("evil.png", b"<html><script>alert(1)</script></html>", content_type="image/png"), settings, "不是可识别的图片")


def test_a_gif_is_refused(supplier, settings):
    listing = make_listing(supplier, status="draft")
    _refused(listing, png_upload(300, 300, fmt="GIF", name="a.gif"), settings, "只接受 JPEG、PNG 或 WebP 图片（此文件为 GIF）")


def test_a_too_big_file_is_refused(supplier, settings):
    settings.PRODUCTS_IMAGE_MAX_BYTES = 1000
    listing = make_listing(supplier, status="draft")
    _refused(listing, SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 5000), settings, "图片大小为 5 KB，超过上限 1 KB，请压缩后再上传")


def test_too_many_pixels_are_refused(supplier, settings):
    settings.PRODUCTS_IMAGE_MAX_PIXELS = 1_000_000
    listing = make_listing(supplier, status="draft")
    _refused(listing, png_upload(1200, 1000), settings, "图片为 1200×1000 像素，超过上限 1 百万像素")


def test_too_small_a_picture_is_refused(supplier, settings):
    listing = make_listing(supplier, status="draft")
    _refused(listing, png_upload(100, 300), settings, "短边不能少于 200 像素")


def test_an_empty_file_is_refused(supplier, settings):
    listing = make_listing(supplier, status="draft")
    _refused(listing, SimpleUploadedFile("e.png", b""), settings, "文件是空的")


def test_a_truncated_image_is_refused(supplier, settings):
    listing = make_listing(supplier, status="draft")
    data = png_upload(400, 400).read()[:200]
    _refused(listing, SimpleUploadedFile("t.png", data), settings, "不是可识别的图片")


def test_removing_an_image_deletes_its_files(supplier, settings, django_capture_on_commit_callbacks):
    listing = make_listing(supplier, status="draft")
    image = services.image_add(listing=listing, upload=png_upload())
    with django_capture_on_commit_callbacks(execute=True):
        services.image_remove(image=image)
    assert _files(settings) == []
    assert ListingImage.objects.count() == 0
