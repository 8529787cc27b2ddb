from __future__ import annotations

from django.db import migrations

# The portal's category tree as the district's site has it (data: editors add more in the admin pages).
TREE = [
    ("动态要闻", "news", [("兴隆要闻", "xinglong-news"), ("街道动态", "street-news")]),
    ("通知公告", "notices", [("防控通告", "epidemic-notices"), ("安全生产", "safety-notices")]),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("portal", "Category")
    for order, (name, slug, children) in enumerate(TREE):
        parent, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
        for child_order, (child, child_slug) in enumerate(children):
            Category.objects.get_or_create(
                slug=child_slug, defaults={"name": child, "parent": parent, "order": child_order}
            )


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_articles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
