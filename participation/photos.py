"""Checking and re-encoding a photo a citizen attaches to a problem.

`photo_process(upload)` reads at most `PHOTO_MAX_BYTES`, makes sure the bytes are a real
JPEG, PNG, WebP or GIF image of at most `PHOTO_MAX_PIXELS` (a decompression bomb is refused
before its pixels are decoded), applies the EXIF orientation, converts an embedded colour
profile to sRGB, and re-encodes only the pixels — so no EXIF (GPS included), XMP, ICC profile
or comment of the original survives — at most `PHOTO_LONG_SIDE` px on the longer side, plus
a thumbnail. Opaque images become JPEG; images that use transparency become WebP (which
keeps the alpha at a fraction of PNG's size). Anything else is a Persian 400 (413 for a file
too large) naming the file. Nothing here touches the database or the storage.
"""

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from backend.errors import DomainError
from backend.persian import to_persian_digits

# Decoders Pillow may use (the JPEG one also reads the MPO files many phones write).
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPT = "image/jpeg,image/png,image/webp"  # what the file input offers (GIF is taken too)
NAME_SHOWN_MAX = 60


class PhotoTooLarge(DomainError):
    """A file above PHOTO_MAX_BYTES (413)."""

    status = 413
    code = "photo_too_large"


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo ready to store: the re-encoded image and thumbnail, and what the row keeps."""

    image: bytes
    thumbnail: bytes
    format: str  # "jpeg" | "webp"
    width: int
    height: int
    content_hash: str  # SHA-256 of the uploaded bytes
    shown_name: str  # the uploader's file name, for messages only (never stored)

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


SIZES = ("full", "thumb")


def photo_url(photo_id: int, size: str = "full") -> str:
    """The photo's stable address (site-relative): the view that checks, on every request,
    who may see it (frontend.views_photos)."""
    return reverse("frontend:problem_photo", args=[photo_id, size])


def shown_name(upload: Any, position: int) -> str:
    """The file's own name (no folders, shortened) or «عکس ۲», for messages."""
    name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()
    if not name:
        return f"عکس {to_persian_digits(position + 1)}"
    return name if len(name) <= NAME_SHOWN_MAX else name[: NAME_SHOWN_MAX - 1] + "…"


def _megabytes(size: int) -> str:
    return to_persian_digits(f"{size / (1024 * 1024):.0f}")


def _read(upload: Any, name: str) -> bytes:
    limit = settings.PHOTO_MAX_BYTES
    too_large = PhotoTooLarge(
        f"پرونده‌ی «{name}» بزرگ‌تر از {_megabytes(limit)} مگابایت است.",
        code="photo_too_large",
    )
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise DomainError(f"پرونده‌ی «{name}» خالی است.", code="photo_empty")
    return data


def _not_an_image(name: str) -> DomainError:
    return DomainError(
        f"پرونده‌ی «{name}» عکس سالم نیست؛ عکس JPEG، PNG یا WebP بفرستید.",
        code="photo_not_image",
    )


def _too_many_pixels(name: str) -> DomainError:
    megapixels = to_persian_digits(settings.PHOTO_MAX_PIXELS // 1_000_000)
    return DomainError(
        f"عکس «{name}» بیش از {megapixels} مگاپیکسل است؛ عکس کوچک‌تری بفرستید.",
        code="photo_too_many_pixels",
    )


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data), formats=FORMATS)


def _decode(data: bytes, name: str) -> Image.Image:
    """The first frame's pixels, checked twice: the file's structure (verify), then a full
    decode (a truncated file fails here). The pixel count is read from the header first."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = _open(data)
            if probe.width * probe.height > settings.PHOTO_MAX_PIXELS:
                raise _too_many_pixels(name)
            probe.verify()
            image = _open(data)
            # JPEG: let the decoder scale down by 1/2, 1/4 or 1/8 while still decoding the
            # whole file (a truncated one still fails) — several times faster for a phone's
            # 12 MP photo, and never below the stored size.
            long_side = settings.PHOTO_LONG_SIDE
            image.draft("RGB", (long_side, long_side))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(name) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
            raise _not_an_image(name) from error
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _to_srgb(image: Image.Image, mode: str) -> Image.Image:
    """`image` in `mode` (RGB or RGBA), its embedded colour profile (if any) converted to
    sRGB; a profile Pillow cannot apply (or one that does not fit the pixels) is ignored."""
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            result = ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            result = None
        if result is not None:
            return result
    return image.convert(mode) if image.mode != mode else image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels: no EXIF, XMP, ICC, comments or other info."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    quality = settings.PHOTO_JPEG_QUALITY
    if fmt == "jpeg":
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        image.save(out, "WEBP", quality=quality, method=4)
    return out.getvalue()


def _shrunk(image: Image.Image, long_side: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return copy


def photo_process(upload: IO[bytes] | Any, *, position: int = 0) -> ProcessedPhoto:
    """Check one uploaded file and re-encode it (see the module's docstring). Raises a
    DomainError naming the file when it is not an acceptable image."""
    name = shown_name(upload, position)
    data = _read(upload, name)
    decoded = _decode(data, name)
    try:
        upright = ImageOps.exif_transpose(decoded)
        # exif_transpose keeps the info (icc_profile among it) on the copy it returns.
        alpha = _has_alpha(upright)
        image = _to_srgb(upright, "RGBA" if alpha else "RGB")
        if alpha:
            low, _high = image.getchannel("A").getextrema()
            if low == 255:  # an alpha channel nobody uses: an opaque photo
                image, alpha = image.convert("RGB"), False
        image = _pixels_only(image)
        fmt = "webp" if alpha else "jpeg"
        full = _shrunk(image, settings.PHOTO_LONG_SIDE)
        thumb = _shrunk(image, settings.PHOTO_THUMB_LONG_SIDE)
        encoded, encoded_thumb = _encode(full, fmt), _encode(thumb, fmt)
    except (OSError, ValueError, SyntaxError) as error:  # a mode or a profile Pillow refuses
        raise _not_an_image(name) from error
    return ProcessedPhoto(
        image=encoded,
        thumbnail=encoded_thumb,
        format=fmt,
        width=full.width,
        height=full.height,
        content_hash=hashlib.sha256(data).hexdigest(),
        shown_name=name,
    )
