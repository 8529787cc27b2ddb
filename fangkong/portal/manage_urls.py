from __future__ import annotations

from django.urls import path

from . import manage_views as v

app_name = "news_manage"

urlpatterns = [
    path("", v.manage_list, name="list"),
    path("new/", v.manage_new, name="new"),
    path("import/", v.manage_import, name="import"),
    path("integrity/", v.manage_integrity, name="integrity"),
    path("images/", v.manage_image, name="image"),
    path("<int:article_id>/", v.manage_article, name="article"),
    path("<int:article_id>/diff/", v.manage_diff, name="diff"),
]
