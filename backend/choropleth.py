"""Server-rendered SVG choropleths: areas (GeoJSON polygons) shaded by a count, with a
label on each area and a legend in Persian digits. No tiles, no script; the SVG is built
here and nowhere else, labels escaped.

The projection is the plain one a city needs: x is longitude shortened by the cosine of
the middle latitude, y is latitude, both scaled to the drawing's width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from backend import geo
from backend.persian import to_persian_digits

PALETTE = ["#f1f4f0", "#c9e4dc", "#8ec8b7", "#4a9e88", "#0f6e5e"]
INK = "#1d2430"
FONT = "Vazirmatn, Vazir, Sahel, Nazli, 'Noto Sans Arabic', Tahoma, sans-serif"


@dataclass(frozen=True)
class Area:
    label: str  # short, drawn on the map
    title: str  # full name, in the tooltip
    geometry: dict | None
    value: int


@dataclass(frozen=True)
class Step:
    low: int
    high: int
    colour: str

    @property
    def text(self) -> str:
        if self.low == self.high:
            return to_persian_digits(self.low)
        return f"{to_persian_digits(self.low)}–{to_persian_digits(self.high)}"


def steps_for(values: list[int]) -> list[Step]:
    """Up to five classes: zero, then four equal ranges up to the largest value (fewer when
    the values are small, so no class is empty by construction)."""
    peak = max(values, default=0)
    if peak <= 0:
        return [Step(0, 0, PALETTE[0])]
    highs = sorted({math.ceil(peak * k / 4) for k in range(1, 5)})
    bounds = [(0, 0)]
    low = 1
    for high in highs:
        if high >= low:
            bounds.append((low, high))
            low = high + 1
    last = len(bounds) - 1
    return [
        Step(lo, hi, PALETTE[0 if i == 0 else round(1 + (i - 1) * 3 / max(last - 1, 1))])
        for i, (lo, hi) in enumerate(bounds)
    ]


def _colour(steps: list[Step], value: int) -> str:
    for step in steps:
        if step.low <= value <= step.high:
            return step.colour
    return steps[-1].colour


def _dark(colour: str) -> bool:
    return colour in PALETTE[3:]


def choropleth_svg(
    areas: list[Area], *, title: str, unit: str, outline: dict | None = None, width: int = 320
) -> tuple[str, list[Step]]:
    """The SVG and its legend's classes. Areas without a geometry are left out of the
    drawing (the page's table still lists them). `unit` follows each value in the labels
    («مسئله», «پشتیبانی»)."""
    drawn = [a for a in areas if a.geometry]
    steps = steps_for([a.value for a in areas])
    shapes = [a.geometry for a in drawn] + ([outline] if outline else [])
    if not shapes:
        return "", steps
    boxes = [geo.bbox(s) for s in shapes]  # type: ignore[arg-type]
    south = min(b[0] for b in boxes)
    west = min(b[1] for b in boxes)
    north = max(b[2] for b in boxes)
    east = max(b[3] for b in boxes)
    shrink = math.cos(math.radians((south + north) / 2))
    margin = 8
    span_x = max((east - west) * shrink, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (width - 2 * margin) / span_x
    height = round(span_y * scale + 2 * margin)

    def xy(lon: float, lat: float) -> str:
        return f"{margin + (lon - west) * shrink * scale:.1f},{margin + (north - lat) * scale:.1f}"

    def path(geometry: dict) -> str:
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = []
        for polygon in polygons:
            for ring in polygon:
                rings.append("M" + " L".join(xy(x, y) for x, y in ring) + " Z")
        return " ".join(rings)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" direction="rtl" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    if outline:
        parts.append(
            f'<path d="{path(outline)}" fill="#faf9f5" stroke="#0f6e5e" stroke-width="2"/>'
        )
    labels = []
    for area in drawn:
        colour = _colour(steps, area.value)
        value = f"{to_persian_digits(area.value)} {unit}"
        parts.append(
            f'<path d="{path(area.geometry)}" fill="{colour}" stroke="#ffffff" '  # type: ignore[arg-type]
            f'stroke-width="1.5" fill-rule="evenodd"><title>{escape(area.title)}: '
            f"{escape(value)}</title></path>"
        )
        lat, lon = geo.centroid(area.geometry)  # type: ignore[arg-type]
        x, y = (float(v) for v in xy(lon, lat).split(","))
        fill = "#ffffff" if _dark(colour) else INK
        labels.append(
            f'<text x="{x:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="15" '
            f'font-weight="700" fill="{fill}">{escape(area.label)}</text>'
            f'<text x="{x:.1f}" y="{y + 15:.1f}" text-anchor="middle" font-size="13" '
            f'fill="{fill}">{escape(value)}</text>'
        )
    parts.extend(labels)
    parts.append("</svg>")
    return "".join(parts), steps
