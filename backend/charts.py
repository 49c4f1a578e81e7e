"""Server-rendered SVG bar charts: readable without JavaScript, right-to-left, Persian
digits. Labels are escaped; the SVG is built here and nowhere else."""

from html import escape

from backend.persian import to_persian_digits


def bar_chart_svg(
    rows: list[tuple[str, int]], *, title: str, width: int = 640, bar_height: int = 26
) -> str:
    """Horizontal bars, longest value full width; labels on the right. The SVG is
    right-to-left, so text-anchor "start" is a text's right edge."""
    rows = [(str(label), int(value)) for label, value in rows]
    label_width = int(width * 0.38)
    chart_width = width - label_width - 56
    top = 34
    height = top + bar_height * max(len(rows), 1) + 12
    peak = max((value for _label, value in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" direction="rtl" '
        "font-family=\"Vazirmatn, Vazir, Sahel, Nazli, 'Noto Sans Arabic', Tahoma, sans-serif\">",
        f"<title>{escape(title)}</title>",
        f'<text x="{width - 4}" y="20" text-anchor="start" font-size="15" font-weight="700" '
        f'fill="#1d2430">{escape(title)}</text>',
    ]
    if not rows:
        parts.append(
            f'<text x="{width - 4}" y="{top + 16}" text-anchor="start" font-size="13" '
            'fill="#5b6576">داده‌ای نیست</text>'
        )
    for index, (label, value) in enumerate(rows):
        y = top + index * bar_height
        length = round(chart_width * value / peak)
        bar_right = width - label_width
        parts.append(
            f'<text x="{width - 4}" y="{y + bar_height * 0.65:.1f}" text-anchor="start" '
            f'font-size="13" fill="#1d2430">{escape(label[:40])}</text>'
        )
        parts.append(
            f'<rect x="{bar_right - length}" y="{y + 4}" width="{max(length, 1)}" '
            f'height="{bar_height - 8}" rx="3" fill="#0f6e5e"><title>{escape(label)}: '
            f"{to_persian_digits(value)}</title></rect>"
        )
        parts.append(
            f'<text x="{bar_right - length - 6}" y="{y + bar_height * 0.65:.1f}" '
            f'text-anchor="start" font-size="12" fill="#5b6576">{to_persian_digits(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
