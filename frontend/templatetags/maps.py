"""Map settings for the page's scripts: ``{% load maps %}``.

The map scripts (static/frontend/map.js) read everything from data-* attributes, so no
page needs an inline script (CSP script-src 'self')."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

from cities import selectors as city_selectors

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
    """The city's and its districts' boundaries as one FeatureCollection (for json_script),
    from the cache (cities.selectors.city_boundaries)."""
    if city is None:
        return {"type": "FeatureCollection", "features": []}
    return city_selectors.city_boundaries(city)
