import pytest

from accounts.phone import INVALID_PHONE_MESSAGE, InvalidPhone, mask_phone, normalise_phone

CANONICAL = "09123456789"

ACCEPTED = [
    "09123456789",
    "+989123456789",
    "00989123456789",
    "۰۹۱۲۳۴۵۶۷۸۹",
    "٠٩١٢٣٤٥٦٧٨٩",
    "+۹۸۹۱۲۳۴۵۶۷۸۹",
    "۰۰۹۸۹۱۲۳۴۵۶۷۸۹",
    "۰۹۱۲345٦٧٨٩",  # three digit kinds in one number
    "0912 345 6789",
    "0912-345-6789",
    "+98 912 345 6789",
    "+98-912-345-6789",
    "0098 912 345 6789",
    "۰۹۱۲\u200c۳۴۵\u200c۶۷۸۹",  # ZWNJ from a Persian keyboard
    "0912\u00a0345\u00a06789",  # NBSP
    "0912 - 345 - 6789",
    "  09123456789  ",
    "\t+989123456789\n",
    "\u200e+98 912 345 6789\u200f",  # bidi marks from copy-paste
    "0912\u2013345\u20136789",  # en dash from autocorrect
]


@pytest.mark.parametrize("raw", ACCEPTED)
def test_accepts_common_forms(raw):
    assert normalise_phone(raw) == CANONICAL


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("09901234567", "09901234567"),
        ("+98 935 000 1122", "09350001122"),
        ("۰۹۹۸۷۶۵۴۳۲۱", "09987654321"),
        ("00989011112233", "09011112233"),
    ],
)
def test_other_operators(raw, expected):
    assert normalise_phone(raw) == expected


def test_result_is_idempotent():
    assert normalise_phone(normalise_phone("+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹")) == CANONICAL


REFUSED = [
    "",
    "   ",
    "\u200c",
    "شماره من",
    "0912345678a",
    "09l23456789",  # letter l instead of 1
    "0912345678",  # too short
    "091234567890",  # too long
    "+98912345678",  # too short
    "+9891234567890",  # too long
    "02112345678",  # Tehran landline
    "021 8888 7777",
    "+982188887777",  # +98 then landline
    "+98 021 8888 7777",
    "9123456789",  # missing leading 0
    "989123456789",  # missing + / 00
    "+98 0912 345 6789",  # +98 with the trunk 0 kept
    "0989123456789",
    "+19123456789",  # another country
    "+1 212 555 0100",
    "+44 7911 123456",
    "0044 7911 123456",
    "00 1 912 345 6789",
    "(0912) 345 6789",
    "+98 (912) 345-6789",
    "0912.345.6789",
    "0912/345/6789",
    "09123456789, 09121112233",  # two numbers
    "09123456789 09121112233",
    "09123456789\n09121112233",
    "+09123456789",  # "+" in 09 form
    "++989123456789",
    "+ 98 912 345 6789",  # separator between + and the digits
    "98+9123456789",
    "-09123456789",
    "09123456789-",
    "0912--345__6789",
    "0912_345_6789",
    "tel:09123456789",
    "０９１２３４５６７８９",  # fullwidth digits
    "۰۹۱۲۳۴۵۶۷۸۹۰",
    "09 12 34 56 78 9 0",
]


@pytest.mark.parametrize("raw", REFUSED)
def test_refuses(raw):
    with pytest.raises(InvalidPhone) as excinfo:
        normalise_phone(raw)
    assert str(excinfo.value) == INVALID_PHONE_MESSAGE


@pytest.mark.parametrize("raw", [None, 9123456789, 9.1, b"09123456789", ["09123456789"]])
def test_refuses_non_text(raw):
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)


def test_invalid_phone_is_a_value_error_with_persian_message():
    assert issubclass(InvalidPhone, ValueError)
    assert "شماره همراه نامعتبر است" in str(InvalidPhone())
    assert str(InvalidPhone("پیام دیگر")) == "پیام دیگر"


def test_accepted_and_refused_lists_are_large_enough():
    assert len(ACCEPTED) >= 12
    assert len(REFUSED) >= 12
    assert len(REFUSED) > len(ACCEPTED)


# --- mask_phone -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("09123456789", "0912***6789"),
        ("+98 935 000 1122", "0935***1122"),
        ("۰۹۹۰۱۲۳۴۵۶۷", "0990***4567"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone, expected):
    assert mask_phone(phone) == expected


def test_mask_hides_middle_digits():
    masked = mask_phone("09123456789")
    assert "345" not in masked
    assert len(masked) == 11


@pytest.mark.parametrize("phone", ["021 8888 7777", "abc", "0912", "+19123456789"])
def test_mask_refuses_invalid(phone):
    with pytest.raises(InvalidPhone):
        mask_phone(phone)


def test_helpers_do_not_touch_input():
    raw = " +۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹ "
    before = str(raw)
    normalise_phone(raw)
    mask_phone(raw)
    assert raw == before
