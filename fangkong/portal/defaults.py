"""The portal's category tree as the district's site has it (data: more can be added). Used by the migration and
by the demo seeding (a test database flushed between tests loses migration data)."""

from __future__ import annotations

TREE = [
    ("动态要闻", "news", [("兴隆要闻", "xinglong-news"), ("街道动态", "street-news")]),
    ("通知公告", "notices", [("防控通告", "epidemic-notices"), ("安全生产", "safety-notices")]),
]


def ensure_categories(Category) -> None:
    """`Category`: the model class (the historical one in a migration)."""
    for order, (name, slug, children) in enumerate(TREE):
        parent, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
        for child_order, (child, child_slug) in enumerate(children):
            Category.objects.get_or_create(
                slug=child_slug, defaults={"name": child, "parent": parent, "order": child_order}
            )
