"""Zone outlines: is a scan car's position inside a zone? GeoJSON polygons ([longitude, latitude] pairs), with holes,
as Polygon, MultiPolygon, Feature or FeatureCollection; a small even-odd test, no GIS library needed for a city's
handful of zones."""

from collections.abc import Sequence


def outline_polygons(outline) -> list:
    """The polygons of a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection as lists of rings of (x, y);
    a malformed outline gives none (the admin checks only its type)."""
    try:
        return [[[(float(x), float(y)) for x, y, *_rest in ring] for ring in polygon if len(ring) >= 4]
                for polygon in _raw_polygons(outline)]
    except (TypeError, ValueError, AttributeError, KeyError):
        return []


def _raw_polygons(outline) -> list:
    if not isinstance(outline, dict):
        return []
    kind = outline.get("type")
    if kind == "Feature":
        return _raw_polygons(outline.get("geometry"))
    if kind == "FeatureCollection":
        return [polygon for feature in outline.get("features") or [] for polygon in _raw_polygons(feature)]
    if kind == "Polygon":
        return [outline.get("coordinates")]
    if kind == "MultiPolygon":
        return list(outline.get("coordinates"))
    return []


def _in_ring(x: float, y: float, ring: Sequence[tuple[float, float]]) -> bool:
    """Even-odd rule: a ray from the point crosses the ring's edges an odd number of times when it lies inside."""
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        x1, y1 = x2, y2
    return inside


def in_polygon(x: float, y: float, polygon: list) -> bool:
    """Inside the outer ring and in none of its holes."""
    if not polygon or not _in_ring(x, y, polygon[0]):
        return False
    return not any(_in_ring(x, y, hole) for hole in polygon[1:])


def contains(outline, lat: float, lon: float) -> bool:
    return any(in_polygon(lon, lat, polygon) for polygon in outline_polygons(outline))
