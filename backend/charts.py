"""Server-rendered SVG bar charts: readable without JavaScript, right-to-left, Persian
digits. Labels are escaped; the SVG is built here and nowhere else."""

from html import escape

from backend.persian import to_persian_digits

BAR_ROW = 40  # px per bar: its label and figure on a line, then the bar under it


def bar_chart_svg(rows: list[tuple[str, int]], *, title: str) -> str:
    """Horizontal bars, the longest full width, growing from the right; each bar's label and
    count on a line above it.

    Like figure_bars_svg the SVG has no viewBox: x positions are percentages of its width
    and fonts are real pixels (14 px labels, 15 px title), so a 390 px phone shows the text
    at its size instead of scaling it down with the drawing. Labels are escaped."""
    rows = [(str(label), int(value)) for label, value in rows]
    top = 30
    height = top + BAR_ROW * max(len(rows), 1) + 4
    peak = max((value for _label, value in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" '
        f'role="img" aria-label="{escape(title)}" direction="rtl" font-family="{FONT}" '
        'class="bar-chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="100%" y="20" text-anchor="start" font-size="15" font-weight="700" '
        f'fill="#1d2430">{escape(title)}</text>',
    ]
    if not rows:
        parts.append(
            f'<text x="100%" y="{top + 18}" text-anchor="start" font-size="14" '
            'fill="#5b6576">داده‌ای نیست</text>'
        )
    for index, (label, value) in enumerate(rows):
        y = top + index * BAR_ROW
        share = value / peak
        parts.append(
            f'<text x="100%" y="{y + 16}" text-anchor="start" font-size="14" '
            f'fill="#1d2430">{escape(label[:60])}</text>'
            f'<text x="0" y="{y + 16}" text-anchor="end" font-size="14" font-weight="700" '
            f'fill="#1d2430">{to_persian_digits(value)}</text>'
            f'<rect x="{_percent_x(1 - share)}" y="{y + 22}" width="{_percent_x(share)}" '
            f'height="12" rx="3" fill="#0f6e5e"><title>{escape(label)}: '
            f"{to_persian_digits(value)}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    """A value for a label: whole numbers as they are, else one decimal, Persian digits."""
    text = f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"
    return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))


def _polyline(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known points (a missing value breaks the line: missing ≠ zero)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append(point)
    return [run for run in runs if run]


def line_chart_svg(
    labels: list[str],
    series: list[tuple[str, str, list[float | None]]],
    *,
    title: str,
    width: int = 400,
    height: int = 240,
    empty: str = "داده‌ای نیست",
) -> str:
    """A line per series over the periods in `labels`, the first period on the right (the
    chart reads right to left like the page). `series` is [(name, colour, values)], a
    value None is a gap. Labels are 14 units in a 400-unit-wide viewBox, so on a 390 px
    phone (the chart about 340 px wide) they are still 12 px; digits are Persian; every
    text is escaped."""
    known = [value for _name, _colour, values in series for value in values if value is not None]
    font = "Vazirmatn, Vazir, Sahel, Nazli, 'Noto Sans Arabic', Tahoma, sans-serif"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" direction="rtl" '
        f'font-family="{font}" class="line-chart">',
        f"<title>{escape(title)}</title>",
    ]
    if not known or not labels:
        parts.append(
            f'<text x="{width - 8}" y="{height / 2:.0f}" text-anchor="start" font-size="14" '
            f'fill="#5b6576">{escape(empty)}</text></svg>'
        )
        return "".join(parts)
    low, high = min(known), max(known)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    left, right, top, bottom = 10, width - 70, 14, height - 56
    count = len(labels)
    step = (right - left) / max(count - 1, 1)

    def x_at(index: int) -> float:
        return right - index * step if count > 1 else (left + right) / 2

    def y_at(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    for tick in range(4):  # the value axis: four levels, labelled on the right
        value = low + (high - low) * tick / 3
        y = y_at(value)
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ee"/>'
            f'<text x="{width - 4}" y="{y + 4:.1f}" text-anchor="start" font-size="14" '
            f'fill="#5b6576">{_fmt(value)}</text>'
        )
    every = max(1, -(-count // 6))  # at most six period labels
    for index, label in enumerate(labels):
        if index % every == 0 or index == count - 1:
            parts.append(
                f'<text x="{x_at(index):.1f}" y="{bottom + 18}" text-anchor="middle" '
                f'font-size="14" fill="#1d2430">{escape(to_persian_digits(label))}</text>'
            )
    legend_x = width - 4
    for name, colour, values in series:
        for run in _polyline(
            [None if v is None else (x_at(i), y_at(v)) for i, v in enumerate(values)]
        ):
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            )
        for index, value in enumerate(values):
            if value is None:
                continue
            label = escape(to_persian_digits(labels[index]))
            parts.append(
                f'<circle cx="{x_at(index):.1f}" cy="{y_at(value):.1f}" r="3.5" '
                f'fill="{colour}"><title>{escape(name)}، {label}: '
                f"{_fmt(value)}</title></circle>"
            )
        parts.append(
            f'<rect x="{legend_x - 14}" y="{height - 22}" width="14" height="4" '
            f'fill="{colour}"/><text x="{legend_x - 20}" y="{height - 15}" '
            f'text-anchor="start" font-size="15" fill="#1d2430">{escape(name)}</text>'
        )
        legend_x -= 30 + 10 * len(name)
    parts.append("</svg>")
    return "".join(parts)


FONT = "Vazirmatn, Vazir, Sahel, Nazli, 'Noto Sans Arabic', Tahoma, sans-serif"
FIGURE_ROW = 44  # px per bar: a line of text, then the bar under it


def _percent_x(fraction: float) -> str:
    return f"{max(0.0, min(fraction, 1.0)) * 100:.2f}%"


def figure_bars_svg(
    rows: list[dict],
    *,
    title: str,
    rtl: bool = True,
) -> str:
    """Horizontal bars of shares (0 = empty, 1 = full), one under another, each with its
    label and its figure on a line above the bar, so no text ever sits on a bar or on
    another text, however narrow the screen.

    The SVG has no viewBox: its x positions are percentages of its width and its fonts are
    real pixels (13 and 14 px), so a 390 px phone shows the text at its size and the bars
    stretch with the page. In right-to-left pages the bars grow from the right.

    Each row is {"label", "value" (a fraction or None when unknown), "text" (the figure as
    shown), "colour", "mark" (an optional threshold fraction drawn as a thin line across
    the bar) and "mark_title"}. A value beyond 0–1 is drawn at the edge; its text says
    the true figure. Every text is escaped."""
    height = FIGURE_ROW * max(len(rows), 1) + 2
    direction = "rtl" if rtl else "ltr"
    near, far = ("100%", "0") if rtl else ("0", "100%")
    summary = "؛ ".join(f"{row['label']}: {row['text']}" for row in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" '
        f'role="img" aria-label="{escape(title)} — {escape(summary)}" direction="{direction}" '
        f'font-family="{FONT}" class="figure-bars">',
        f"<title>{escape(title)}</title>",
    ]
    for index, row in enumerate(rows):
        top = index * FIGURE_ROW
        value = row.get("value")
        parts.append(
            f'<text x="{near}" y="{top + 17}" text-anchor="start" font-size="13" '
            f'fill="#1d2430">{escape(str(row["label"]))}</text>'
            f'<text x="{far}" y="{top + 17}" text-anchor="end" font-size="14" '
            f'font-weight="700" fill="#1d2430">{escape(str(row["text"]))}</text>'
            f'<rect x="0" y="{top + 24}" width="100%" height="12" rx="3" fill="#ebe8e0"/>'
        )
        if value is not None and value > 0:
            width = _percent_x(float(value))
            start = _percent_x(1 - min(float(value), 1.0)) if rtl else "0"
            parts.append(
                f'<rect x="{start}" y="{top + 24}" width="{width}" height="12" rx="3" '
                f'fill="{row["colour"]}"><title>{escape(str(row["label"]))}: '
                f"{escape(str(row['text']))}</title></rect>"
            )
        mark = row.get("mark")
        if mark is not None:
            at = _percent_x(1 - float(mark)) if rtl else _percent_x(float(mark))
            parts.append(
                f'<line x1="{at}" x2="{at}" y1="{top + 21}" y2="{top + 39}" stroke="#1d2430" '
                f'stroke-width="2" stroke-dasharray="3 2"><title>'
                f"{escape(str(row.get('mark_title', '')))}</title></line>"
            )
    parts.append("</svg>")
    return "".join(parts)
