"""The only way WeasyPrint may load anything while printing a form: inline data: URIs.

Forms carry text typed by residents and staff. Jinja escapes it, so an `<img src=…>` typed
into a description prints as text; this fetcher is the second line: whatever URL reaches
WeasyPrint (an image, a stylesheet, a font), only `data:` URIs are read, nothing is ever
requested from the network or the file system (STACK.md, WeasyPrint).
"""
from __future__ import annotations

import logging

from weasyprint.urls import URLFetcher

log = logging.getLogger(__name__)


class SafeURLFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if not str(url)[:5].lower() == "data:":
            log.warning("printing refused to fetch %s", str(url)[:200])
            raise ValueError("printed forms load nothing but data: URIs")
        return super().fetch(url, headers)
