#!/usr/bin/env python3
"""The public portal under load: article pages and category lists, as anonymous readers fetch them.

    .venv/bin/python bench/portal.py [--people 1400000] [--articles 5000] [--seconds 20] [--connections 16]

On PostgreSQL (`fangkong_bench_portal` is dropped and recreated), with `fangkong serve` (Granian, 2 workers × 2
threads) sharing the Redis cache (FANGKONG_CACHE_URL, as in production with more than one worker):
  setup    — the demo city of `--people` residents and `--articles` published articles across the categories
             (through the services: sanitised, hashed, approved);
  article  — `wrk` GETs of /news/{id}/ for `--hot` articles (what readers open: the recent and the linked; each
             fetched once before the run, as readers would have; every render checks the article's keyed hash);
  category — `wrk` GETs of the category pages (first page, 50 items, with the count);
  uncached — the article pages again with the page cache off (FANGKONG_PORTAL_CACHE=0): the cost of a render;
  raw      — `pgbench -S` in the same run.
Target (2 cores): ≥ 500 pages per second with caching. Needs wrk and pgbench. Ends with: RESULT name=value ...
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

LUA = """
local paths = {%(paths)s}
local built = {}
local counter = 0
init = function(args)
  for i = 1, #paths do built[i] = wrk.format("GET", paths[i]) end
end
request = function()
  counter = counter + 1
  return built[((counter * 7919) %% #built) + 1]
end
"""


def seed(articles: int) -> list[int]:
    from django.contrib.auth import get_user_model

    from fangkong.portal.articles import article_approve, article_create, article_submit
    from fangkong.portal.models import Article, Category

    User = get_user_model()
    editor, reviewer = User.objects.get(username="editor"), User.objects.get(username="reviewer")
    leaves = list(Category.objects.filter(parent__isnull=False))
    rng = random.Random(5)
    paragraph = "<p>会议强调，要从严做好“外防输入、内防反弹”工作，坚决守住区域出入道口，严格落实登记造册工作。</p>"
    for i in range(articles):
        a = article_create(
            actor=editor,
            title=f"兴隆台区第{i}期工作动态",
            body_html=paragraph * rng.randint(4, 20),
            category=rng.choice(leaves).pk,
        )
        article_submit(actor=editor, article_id=a.pk)
        article_approve(actor=reviewer, article_id=a.pk)
    return list(Article.objects.filter(published_version__isnull=False).values_list("pk", flat=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8128)
    parser.add_argument("--hot", type=int, default=500, help="articles in the load (default 500)")
    parser.add_argument("--cache-url", default=os.environ.get("FANGKONG_CACHE_URL", "redis://127.0.0.1:6379/5"))
    parser.add_argument("--reuse", action="store_true", help="keep the database seeded by an earlier run")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_portal"),
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed for the HTTP load: apt-get install wrk")
    os.environ["FANGKONG_CACHE_URL"] = args.cache_url
    from common import fresh_city, server, wrk
    from registry import pgbench_select

    if args.reuse:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
        import django

        django.setup()
        from fangkong.portal.models import Article

        ids = list(Article.objects.filter(published_version__isnull=False).values_list("pk", flat=True))
    else:
        fresh_city(args.database_url, args.people)
        ids = seed(args.articles)
    from django.core.cache import cache

    cache.clear()
    print(f"{len(ids):,} published articles", flush=True)
    pgbench_tps = pgbench_select(args.database_url)
    from fangkong.portal.models import Category

    tmp = Path(tempfile.mkdtemp(prefix="fangkong-bench-"))
    sample = random.Random(3).sample(ids, min(args.hot, len(ids)))
    article_script, category_script = tmp / "articles.lua", tmp / "categories.lua"
    article_script.write_text(LUA % {"paths": ",".join(f'"/news/{i}/"' for i in sample)})
    slugs = Category.objects.values_list("slug", flat=True)
    category_script.write_text(LUA % {"paths": ",".join(f'"/news/c/{s}/"' for s in slugs)})
    results = {}
    with server(port=args.port, workers=2, threads=2, log=tmp / "server.log", home=str(tmp)) as base:
        import urllib.request

        for pk in sample:  # readers opened these before: each page rendered once
            urllib.request.urlopen(f"{base}/news/{pk}/", timeout=30).read()
        subprocess.run(["wrk", "-t2", "-c8", "-d3s", "-s", str(article_script), base], capture_output=True, check=True)
        results["article"] = wrk(base, article_script, args.seconds, args.connections)
        results["category"] = wrk(base, category_script, args.seconds, args.connections)
    os.environ["FANGKONG_PORTAL_CACHE"] = "0"
    with server(port=args.port, workers=2, threads=2, log=tmp / "server2.log", home=str(tmp)) as base:
        results["uncached"] = wrk(base, article_script, args.seconds, args.connections)
    for name, (rps, p99, errors) in results.items():
        print(f"{name}: {rps:,.0f} pages/s, p99 {p99:.1f} ms, {errors} errors")
    a, c, u = results["article"], results["category"], results["uncached"]
    print(
        f"RESULT people={args.people} articles={len(ids)} hot={len(sample)} "
        f"article_rps={a[0]:.0f} article_p99_ms={a[1]:.1f} "
        f"category_rps={c[0]:.0f} category_p99_ms={c[1]:.1f} uncached_article_rps={u[0]:.0f} "
        f"errors={a[2] + c[2] + u[2]} pgbench_select_tps={pgbench_tps or 0:.0f}"
    )


if __name__ == "__main__":
    main()
