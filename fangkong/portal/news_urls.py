from __future__ import annotations

from django.urls import path

from . import feeds, news_views

app_name = "news"

urlpatterns = [
    path("", news_views.index, name="index"),
    path("c/<slug:slug>/", news_views.category, name="category"),
    path("<int:article_id>/", news_views.article, name="article"),
    path("<int:article_id>/print/", news_views.article_print, name="print"),
    path("<int:article_id>/pdf/", news_views.article_pdf, name="pdf"),
    path("search/", news_views.search, name="search"),
    path("feed/rss/", feeds.LatestRss(), name="rss"),
    path("feed/atom/", feeds.LatestAtom(), name="atom"),
    path("lang/<str:code>/", news_views.set_language, name="lang"),
    path("img/<str:name>", news_views.image, name="image"),  # sanitise.IMAGE_PATH: the only images articles show
]
