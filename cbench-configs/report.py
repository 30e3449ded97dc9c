"""Prints the results table with ratios against ovs-testcontroller and, when it ran,
the C null responder (the ceiling), and the per-switch spread (loops.py); draws a
Figure-11-style grouped bar chart as SVG, bars for the mean over the counted loops
and whiskers for one standard deviation either side (no plotting library needed)."""

import csv
import math
import sys

REFERENCE = "ovs-testcontroller"
CEILING = "nullctl"
COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"]


def load(path):
    with open(path) as handle:
        return [row for row in csv.DictReader(handle)]


def table(rows):
    print(f"{'profile':<20} {'peer':<20} {'responses/s (avg)':>18} {'stdev':>12} {'vs ovs-testcontroller':>22} "
          f"{'vs nullctl':>11} {'per switch, min..max':>22}")
    for profile in dict.fromkeys(r["profile"] for r in rows):
        group = [r for r in rows if r["profile"] == profile]
        reference = next((float(r["avg"]) for r in group if r["peer"] == REFERENCE and r["avg"]), None)
        ceiling = next((float(r["avg"]) for r in group if r["peer"] == CEILING and r["avg"]), None)
        for r in group:
            if not r["avg"]:
                print(f"{profile:<20} {r['peer']:<20} {'no result':>18}")
                continue
            avg = float(r["avg"])
            ratio = f"{avg / reference:.2f}x" if reference else "n/a"
            of_ceiling = f"{avg / ceiling:.2f}x" if ceiling else "n/a"
            spread = f"{float(r['switch_min']):,.0f}..{float(r['switch_max']):,.0f}" if r.get("switch_min") else "n/a"
            print(f"{profile:<20} {r['peer']:<20} {avg:>18,.0f} {float(r['stdev']):>12,.0f} {ratio:>22} {of_ceiling:>11} "
                  f"{spread:>22}")


def chart(rows, path):
    profiles = list(dict.fromkeys(r["profile"] for r in rows))
    peers = list(dict.fromkeys(r["peer"] for r in rows))
    values = [float(r["avg"]) for r in rows if r["avg"]]
    top = max(float(r["avg"]) + float(r["stdev"] or 0) for r in rows if r["avg"]) if values else 1.0
    low_exp = math.floor(math.log10(max(min(values), 1.0))) if values else 0
    high_exp = math.ceil(math.log10(top)) if values else 1
    width, height, left, bottom, top_margin = 760, 420, 80, 70, 50
    plot_w, plot_h = width - left - 20, height - bottom - top_margin
    group_w = plot_w / max(len(profiles), 1)
    bar_w = group_w * 0.8 / max(len(peers), 1)

    def y(value):
        span = max(high_exp - low_exp, 1)
        frac = (math.log10(max(value, 10 ** low_exp)) - low_exp) / span
        return top_margin + plot_h * (1 - frac)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">Controller responses/s (cbench, log scale): mean ± σ over loops</text>']
    for exp in range(low_exp, high_exp + 1):
        yy = y(10 ** exp)
        out.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{width - 20}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">1e{exp}</text>')
    for gi, profile in enumerate(profiles):
        x0 = left + gi * group_w + group_w * 0.1
        for pi, peer in enumerate(peers):
            row = next((r for r in rows if r["profile"] == profile and r["peer"] == peer and r["avg"]), None)
            if row is None:
                continue
            value = float(row["avg"])
            x = x0 + pi * bar_w
            out.append(f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{bar_w - 2:.1f}" height="{top_margin + plot_h - y(value):.1f}" fill="{COLORS[pi % len(COLORS)]}"><title>{peer}: {value:,.0f}</title></rect>')
            sigma = float(row["stdev"] or 0)
            mid = x + (bar_w - 2) / 2
            top_y, low_y = y(value + sigma), y(max(value - sigma, 10 ** low_exp))
            out.append(f'<line x1="{mid:.1f}" y1="{top_y:.1f}" x2="{mid:.1f}" y2="{low_y:.1f}" stroke="black"/>')
            for yy in (top_y, low_y):
                out.append(f'<line x1="{mid - 3:.1f}" y1="{yy:.1f}" x2="{mid + 3:.1f}" y2="{yy:.1f}" stroke="black"/>')
            out.append(f'<text x="{mid:.1f}" y="{top_y - 4:.1f}" text-anchor="middle" font-size="9">{value:,.0f}</text>')
        out.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{height - bottom + 18}" text-anchor="middle">{profile}</text>')
    for pi, peer in enumerate(peers):
        lx = left + pi * 160
        out.append(f'<rect x="{lx}" y="{height - 30}" width="12" height="12" fill="{COLORS[pi % len(COLORS)]}"/>')
        out.append(f'<text x="{lx + 16}" y="{height - 20}">{peer}</text>')
    out.append("</svg>")
    with open(path, "w") as handle:
        handle.write("\n".join(out))


if __name__ == "__main__":
    rows = load(sys.argv[1])
    table(rows)
    chart(rows, sys.argv[2])
