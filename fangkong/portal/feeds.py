"""RSS 2.0 and Atom feeds of what is online (Django's syndication framework)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .sanitise import plain_text
from .selectors import articles_public


class LatestRss(Feed):
    title = _("Xinglongtai district: news and notices")
    link = "/news/"
    description = _("The latest news and notices of the district.")

    def items(self):
        from .integrity import verified_list

        return verified_list(articles_public().select_related("published_version")[:30])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return plain_text(item.body_html)[:300]

    def item_link(self, item):
        return f"/news/{item.pk}/"

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.department


class LatestAtom(LatestRss):
    feed_type = Atom1Feed
    subtitle = LatestRss.description
