"""participation/photos.py on its own: what is accepted, what is refused and what the
re-encoded files keep (pixels) and drop (EXIF with GPS, profiles, comments)."""

import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms

from backend.errors import DomainError
from participation.photos import PhotoTooLarge, photo_process
from tests.participation.photo_samples import image_bytes, jpeg_with_gps, noisy_png, upload


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _refusal(data: bytes, name: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        photo_process(upload(data, name))
    return caught.value


class TestAccepted:
    def test_a_jpeg_is_reencoded_within_the_long_side(self):
        done = photo_process(upload(image_bytes("JPEG", size=(3000, 2000))))
        full, thumb = _open(done.image), _open(done.thumbnail)
        assert (full.format, thumb.format) == ("JPEG", "JPEG")
        assert full.size == (1600, 1067) == (done.width, done.height)
        assert thumb.size == (480, 320)
        assert len(done.thumbnail) < len(done.image) < 400_000

    def test_a_small_photo_is_not_enlarged(self):
        done = photo_process(upload(image_bytes("JPEG", size=(300, 200))))
        assert _open(done.image).size == (300, 200)

    def test_gps_and_every_exif_field_are_gone_from_both_files(self):
        original = jpeg_with_gps()
        assert _open(original).getexif().get_ifd(0x8825)  # the sample does carry GPS
        done = photo_process(upload(original))
        for data in (done.image, done.thumbnail):
            image = _open(data)
            assert not image.getexif()
            assert "exif" not in image.info
            assert "icc_profile" not in image.info
            assert b"Exif" not in data
            assert b"Secret Person" not in data

    def test_the_orientation_is_applied_to_the_pixels(self):
        # Orientation 6: the camera was turned; viewers rotate 90° clockwise to show it.
        done = photo_process(upload(jpeg_with_gps(size=(800, 600), orientation=6)))
        image = _open(done.image).convert("RGB")
        assert image.size == (600, 800)
        red, blue = image.getpixel((300, 50)), image.getpixel((300, 750))
        assert red[0] > 150 > red[2]
        assert blue[2] > 150 > blue[0]

    def test_a_transparent_png_keeps_its_alpha_as_webp(self):
        done = photo_process(
            upload(image_bytes("PNG", mode="RGBA", colour=(0, 120, 0, 90)), "logo.png")
        )
        image = _open(done.image)
        assert done.format == "webp"
        assert image.format == "WEBP"
        assert image.mode == "RGBA"
        assert image.getchannel("A").getextrema()[1] < 255

    def test_an_opaque_png_becomes_a_jpeg(self):
        done = photo_process(upload(image_bytes("PNG", mode="RGBA", colour=(9, 9, 9, 255))))
        assert done.format == "jpeg"
        assert _open(done.image).format == "JPEG"

    def test_webp_and_the_first_frame_of_a_gif(self):
        assert photo_process(upload(image_bytes("WEBP"), "a.webp")).format == "jpeg"
        frames = [Image.new("P", (50, 40), i) for i in (1, 2)]
        out = io.BytesIO()
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
        done = photo_process(upload(out.getvalue(), "moving.gif"))
        assert _open(done.image).size == (50, 40)

    def test_a_colour_profile_and_a_comment_are_dropped(self):
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        data = image_bytes("JPEG", icc_profile=srgb, comment=b"taken at home")
        assert _open(data).info.get("icc_profile")
        done = photo_process(upload(data))
        assert "icc_profile" not in _open(done.image).info
        assert b"taken at home" not in done.image

    def test_the_hash_is_of_the_uploaded_file(self):
        data = image_bytes("JPEG")
        assert photo_process(upload(data)).content_hash == photo_process(upload(data)).content_hash
        other = image_bytes("JPEG", colour=(1, 2, 3))
        assert photo_process(upload(other)).content_hash != photo_process(upload(data)).content_hash


class TestRefused:
    @pytest.mark.parametrize(
        ("data", "name"),
        [
            (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "report.pdf"),
            ("این یک متن است، نه عکس".encode(), "notes.jpg"),
            (
                b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                b"<script>alert(1)</script></svg>",
                "drawing.svg",
            ),
            (image_bytes("TIFF"), "scan.tiff"),
            (image_bytes("BMP"), "paint.bmp"),
        ],
    )
    def test_what_is_not_a_jpeg_png_webp_or_gif(self, data, name):
        error = _refusal(data, name)
        assert error.status == 400
        assert error.code == "photo_not_image"
        assert f"«{name}»" in error.message

    @pytest.mark.parametrize("size", [(400, 300), (4000, 3000)])  # decoded whole, or scaled
    def test_a_truncated_jpeg(self, size):
        data = image_bytes("JPEG", size=size)
        error = _refusal(data[: len(data) // 2], "cut.jpg")
        assert error.code == "photo_not_image"
        assert "cut.jpg" in error.message

    def test_an_empty_file(self):
        assert _refusal(b"", "empty.jpg").code == "photo_empty"

    def test_a_file_over_the_byte_limit_is_a_413(self, settings):
        settings.PHOTO_MAX_BYTES = 2000
        data = noisy_png()
        assert len(data) > 2000
        error = _refusal(data, "big.png")
        assert isinstance(error, PhotoTooLarge)
        assert error.status == 413
        assert "big.png" in error.message
        assert "مگابایت" in error.message

    def test_the_byte_limit_holds_when_the_size_is_not_told(self, settings):
        settings.PHOTO_MAX_BYTES = 2000

        class Stream(io.BytesIO):
            name = "stream.png"

        with pytest.raises(PhotoTooLarge):
            photo_process(Stream(noisy_png()))

    def test_an_image_over_the_pixel_limit(self, settings):
        settings.PHOTO_MAX_PIXELS = 10_000
        error = _refusal(image_bytes("JPEG", size=(200, 200)), "wide.jpg")
        assert error.code == "photo_too_many_pixels"
        assert "wide.jpg" in error.message

    @pytest.mark.parametrize("side", [7_000, 60_000])
    def test_a_decompression_bomb_is_refused_from_its_header(self, side):
        """A 1×1 PNG whose header claims side×side pixels (49 MP: over our 40 MP limit but
        under Pillow's own guard; 3.6 GP: over both): refused without decoding."""
        data = bytearray(image_bytes("PNG", size=(1, 1), mode="L", colour=0))
        ihdr = data.index(b"IHDR")
        data[ihdr + 4 : ihdr + 12] = struct.pack(">II", side, side)
        crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
        data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
        assert _refusal(bytes(data), "bomb.png").code == "photo_too_many_pixels"

    def test_a_file_name_never_carries_folders(self):
        error = _refusal(b"not an image", "../../etc/passwd.jpg")
        assert "«passwd.jpg»" in error.message
