"""The spec's two formats: XML (required by GeoReport v2) and JSON, from the same data.

Lists become JSON arrays and repeated XML elements named by LIST_ITEMS (`services` holds
`service`, `service_requests` holds `request`, …); booleans are `true`/`false`; characters
XML 1.0 cannot carry are dropped from the XML text, so no description can break a document.
"""

import json
import re
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ElementTree.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = LIST_ITEMS[element.tag]
        for child in value:
            _fill(ElementTree.SubElement(element, tag), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, data)
    body = ElementTree.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def respond(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    """`data` under the XML element `root`, or as JSON: a list is the JSON array itself."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    else:
        body = to_xml(root, data)
    return HttpResponse(body, status=status, content_type=FORMATS.get(fmt, FORMATS["xml"]))


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's error shape: <errors><error><code/><description/></error></errors>."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status=status)
