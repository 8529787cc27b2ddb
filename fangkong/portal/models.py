"""The public portal: news and notices (the CMS). Residents sign in through fangkong.residents."""

from __future__ import annotations

from .content_models import Article, ArticleImage, ArticleImageUse, ArticleVersion, Category, ImportFinding

__all__ = ["Article", "ArticleImage", "ArticleImageUse", "ArticleVersion", "Category", "ImportFinding"]
