"""Log-log plots of cost against N as SVG, drawn by hand (no plotting
library in the stack): one panel per benchmark, references dashed."""
from __future__ import annotations

import math
from typing import NamedTuple

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


class Series(NamedTuple):
    label: str
    points: list[tuple[float, float]]  # (N, cost)
    reference: bool = False  # drawn dashed


class Panel(NamedTuple):
    title: str
    unit: str
    series: list[Series]


WIDTH, PANEL_HEIGHT, PAD = 760, 340, 70


def _panel(panel: Panel, top: float) -> list[str]:
    ns = [n for s in panel.series for n, _ in s.points]
    costs = [max(c, 1e-3) for s in panel.series for _, c in s.points]
    if not ns:
        return []
    x0, x1 = math.log10(min(ns)) - 0.3, math.log10(max(ns)) + 0.3
    y0, y1 = math.log10(min(costs)) - 0.3, math.log10(max(costs)) + 0.3
    inner = PANEL_HEIGHT - 2 * PAD + 20

    def px(n: float, c: float) -> tuple[float, float]:
        return (PAD + (math.log10(n) - x0) / (x1 - x0) * (WIDTH - 2.5 * PAD),
                top + PAD + inner - (math.log10(max(c, 1e-3)) - y0) / (y1 - y0) * inner)

    parts = [f'<text x="{WIDTH / 2}" y="{top + 24}" text-anchor="middle" font-weight="bold">{panel.title}</text>',
             f'<text x="14" y="{top + PAD + inner / 2}" transform="rotate(-90 14 {top + PAD + inner / 2})" '
             f'text-anchor="middle">{panel.unit} (log)</text>',
             f'<line x1="{PAD}" y1="{top + PAD + inner}" x2="{WIDTH - 1.5 * PAD}" y2="{top + PAD + inner}" '
             'stroke="#999"/>']
    for n in sorted(set(ns)):
        x, y = px(n, 10 ** y0)
        parts.append(f'<text x="{x:.1f}" y="{top + PAD + inner + 18}" text-anchor="middle">N={int(n)}</text>')
    colours: dict[str, str] = {}
    for index, series in enumerate(panel.series):
        # A reference named after its series ("<label>: Solr") shares its colour.
        own = series.label.split(": ")[0] if series.reference else series.label
        colour = colours.setdefault(own, COLOURS[len(colours) % len(COLOURS)])
        dash = ' stroke-dasharray="6 4"' if series.reference else ""
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (px(n, c) for n, c in series.points))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{coords}"/>')
        for n, c in series.points:
            x, y = px(n, c)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
                         f'<text x="{x + 5:.1f}" y="{y - 5:.1f}" fill="{colour}" font-size="10">{c:g}</text>')
        parts.append(f'<text x="{WIDTH - 1.45 * PAD}" y="{top + PAD + 14 * index}" fill="{colour}" '
                     f'font-size="11">{series.label}{" (ref.)" if series.reference else ""}</text>')
    return parts


def bench_svg(panels: list[Panel]) -> str:
    """One SVG with the panels stacked."""
    height = PANEL_HEIGHT * len(panels)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH + 260}" height="{height}" '
             'font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>']
    for index, panel in enumerate(panels):
        parts += _panel(panel, index * PANEL_HEIGHT)
    parts.append("</svg>")
    return "\n".join(parts)
