"""The duplicate filter: Scrapy's, except that a redirect is always followed.

Scrapy drops a request whose URL it has seen, and a redirect is a new request: a page that
redirects to one already fetched (two briefs moved to one address, an article URL that now
redirects to another listed one) would vanish with no record and no error. Here a redirect hop
is never taken for a duplicate, and is not remembered as seen either, so the page it leads to
is still fetched for itself when it is asked for. A redirect loop ends at
``REDIRECT_MAX_TIMES`` as a named failure.
"""

from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request


class RedirectAwareDupeFilter(RFPDupeFilter):
    """:class:`RFPDupeFilter` that lets every redirect hop through."""

    def request_seen(self, request: Request) -> bool:
        if request.meta.get("redirect_urls"):
            return False
        return super().request_seen(request)
