"""Image files made with Pillow for the photo tests (no binary fixtures in the repo)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
ARTIST = 0x013B


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (640, 480),
    colour=(200, 60, 40),
    mode: str = "RGB",
    **save,
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (800, 600), orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF holds a GPS position (Qom), an artist name and, optionally, an
    orientation. The left half is red and the right half blue, so a rotation shows."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ARTIST] = "Secret Person"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (34.0, 38.0, 24.0)
    gps[3] = "E"
    gps[4] = (50.0, 52.0, 36.0)
    if orientation is not None:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_upload(name: str = "photo.jpg", colour=(200, 60, 40), size=(640, 480)):
    return upload(image_bytes("JPEG", size=size, colour=colour), name)


def noisy_png(size: tuple[int, int] = (200, 200)) -> bytes:
    """A PNG of random pixels: it does not compress, so its size follows its pixel count."""
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()
