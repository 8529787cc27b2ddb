"""A section's trend drawn on the server as SVG: what the PDF prints (WeasyPrint runs no JavaScript) and what the
page shows until its script has drawn the ECharts chart (or where scripts do not run). Presentation attributes
only (fill, stroke), no style attribute: the page's Content-Security-Policy allows no inline style."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from .contract import Chart

TONES = {"bad": "#d7263d", "warn": "#e08e0b", "": "#2f6fcf"}
SECOND = "#2e9d50"  # a second plain series
FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"


def _ceiling(top: int) -> int:
    """A round top for the axis: 1, 2, 5, 10, 20, 50 …"""
    step = 1
    while True:
        for m in (1, 2, 5):
            if top <= step * m:
                return step * m
        step *= 10


def _text_width(text: str) -> int:
    """Roughly how wide `text` is at 9 points: a Chinese character is square, a Latin letter about half."""
    return int(sum(9 if ord(c) > 0x2E80 else 5 for c in text))


def svg(chart: Chart, *, width: int = 520, height: int = 170) -> SafeString:
    left, right, top, bottom = 34, 8, 22, 20
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(chart.days), 1)
    peak = _ceiling(max([1, *(v for s in chart.series for v in s.values)]))
    band = plot_w / n

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    summary = "；".join(f"{s.label} {sum(s.values)}" for s in chart.series)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="situation-svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img" aria-label="{escape(chart.title)}: {escape(summary)}"'
        f' font-family="{FONT}" font-size="9">'
    ]
    for tick in (0, peak // 2 if peak > 1 else None, peak):  # the value axis: 0, the middle, the top
        if tick is None:
            continue
        ty = y(tick)
        out.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{ty + 3:.1f}" text-anchor="end" fill="#555">{tick}</text>')
    every = 1 if n <= 7 else 2
    for i, d in enumerate(chart.days):
        if (n - 1 - i) % every == 0:  # the last day always labelled
            x = left + band * (i + 0.5)
            out.append(
                f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#555">{d.strftime("%m-%d")}</text>'
            )
    bars = [s for s in chart.series if s.kind == "bar"]
    plain = 0
    colours = []
    for s in chart.series:
        if s.tone:
            colours.append(TONES.get(s.tone, TONES[""]))
        else:
            colours.append(SECOND if plain else TONES[""])
            plain += 1
    width_bar = band * 0.7 / max(len(bars), 1)
    for s, colour in zip(chart.series, colours, strict=True):
        if s.kind == "bar":
            k = bars.index(s)
            for i, v in enumerate(s.values):
                if v:
                    x = left + band * i + band * 0.15 + width_bar * k
                    out.append(
                        f'<rect x="{x:.1f}" y="{y(v):.1f}" width="{width_bar:.1f}" height="{top + plot_h - y(v):.1f}"'
                        f' fill="{colour}"/>'
                    )
        else:
            points = " ".join(f"{left + band * (i + 0.5):.1f},{y(v):.1f}" for i, v in enumerate(s.values))
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
    x = left
    for s, colour in zip(chart.series, colours, strict=True):  # the legend, above the plot
        out.append(f'<rect x="{x}" y="6" width="10" height="8" fill="{colour}"/>')
        out.append(f'<text x="{x + 13}" y="13" fill="#222">{escape(s.label)}</text>')
        x += 13 + _text_width(s.label) + 14
    out.append("</svg>")
    return mark_safe("".join(out))
