"""Map settings for the page's scripts: ``{% load maps %}``.

The map scripts (static/frontend/map.js) read everything from data-* attributes, so no
page needs an inline script (CSP script-src 'self')."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def map_attrs() -> str:
    """data-* attributes for a map container: the tile template (empty = no base map), its
    attribution, the highest zoom and where Leaflet's marker images are."""
    return format_html(
        'data-tiles="{}" data-attribution="{}" data-max-zoom="{}" data-images="{}"',
        settings.MAP_TILE_URL,
        settings.MAP_TILE_ATTRIBUTION,
        settings.MAP_TILE_MAX_ZOOM,
        static("leaflet/images/"),
    )


@register.simple_tag
def map_assets() -> str:
    """Leaflet's stylesheet and script (from django-leaflet's static files) and ours."""
    return format_html(
        '<link rel="stylesheet" href="{}"><link rel="stylesheet" href="{}">'
        '<script src="{}" defer></script><script src="{}" defer></script>',
        static("leaflet/leaflet.css"),
        static("frontend/map.css"),
        static("leaflet/leaflet.js"),
        static("frontend/map.js"),
    )


@register.filter
def boundary_features(city) -> dict:
    """The city's and its districts' boundaries as one FeatureCollection (for json_script);
    districts come from a prefetched `districts` when the view gave them."""
    features = []
    if city is None:
        return {"type": "FeatureCollection", "features": features}
    if city.boundary:
        features.append(
            {"type": "Feature", "properties": {"city": True}, "geometry": city.boundary}
        )
    for district in city.districts.all():
        if district.boundary:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": district.name, "number": district.number},
                    "geometry": district.boundary,
                }
            )
    # "view" is [south, west, north, east] (GeoJSON's own "bbox" orders it otherwise).
    return {"type": "FeatureCollection", "features": features, "view": city.bbox}
