"""Score distributions per group as one SVG (python3 stdlib only).

Used by tools/eval_scan.py and tools/eval_meta.py (`--plot FILE.svg`): one row per group
(a positive family, a hard-negative family, a population), each a histogram of the group's
scores over [0, 1], bar height the logarithm of the count scaled to the row's own largest bin,
so that a family of 50 and one of 10,000 are equally readable and a single near miss shows;
a dashed line marks the flag threshold, and the right column says how many of the group are
flagged. Where a family's mass sits relative to the line is
what a reviewer wants to see at a glance: positives to its right, every hard negative to its
left, and how close the near misses come.
"""

from xml.sax.saxutils import escape
import math
import sys

BINS = 25
LABEL_W = 230
PLOT_W = 500
STAT_W = 190
ROW_H = 26
TOP = 56
BOTTOM = 40
COLOURS = {"positive": "#b42318", "negative": "#1f5fa8"}


CHAR_W = 7.2  # DejaVu Sans at 12 px: a generous mean advance, so that labels fit


def _x(score, label_w=LABEL_W):
    return label_w + max(0.0, min(1.0, score)) * PLOT_W


def histogram(scores, bins=BINS):
    """Counts of scores in `bins` equal bins over [0, 1]; 1.0 falls in the last bin."""
    counts = [0] * bins
    for s in scores:
        i = int(max(0.0, min(1.0, s)) * bins)
        counts[min(i, bins - 1)] += 1
    return counts


def score_distributions(title, rows, threshold, subtitle=""):
    """rows: dicts {label, kind ('positive'|'negative'), scores, flagged, n}. Returns SVG text.

    `scores` holds one score per member of the group (0 for one never scored); `flagged` and
    `n` are the group's flagged count and size as the evaluation counted them.
    """
    # The label column is as wide as the longest label needs (at least LABEL_W).
    label_w = max([LABEL_W] + [int(20 + CHAR_W * len(r["label"])) for r in rows])
    height = TOP + ROW_H * len(rows) + BOTTOM
    width = label_w + PLOT_W + STAT_W
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" '
           f'font-size="12">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="12" y="22" font-size="15" font-weight="bold">{escape(title)}</text>']
    if subtitle:
        out.append(f'<text x="12" y="40" fill="#555">{escape(subtitle)}</text>')
    for i, row in enumerate(rows):
        y = TOP + i * ROW_H
        colour = COLOURS.get(row["kind"], "#555")
        out.append(f'<g class="row" data-label="{escape(row["label"], {chr(34): "&quot;"})}" '
                   f'data-kind="{escape(row["kind"])}">')
        if i % 2 == 0:
            out.append(f'<rect x="0" y="{y}" width="{width}" height="{ROW_H}" fill="#f6f7f9"/>')
        out.append(f'<text x="{label_w - 10}" y="{y + ROW_H - 9}" text-anchor="end" '
                   f'fill="{colour}">{escape(row["label"])}</text>')
        counts = histogram(row["scores"])
        peak = max(counts) if counts and max(counts) else 1
        bar_w = PLOT_W / BINS
        for b, c in enumerate(counts):
            if not c:
                continue
            h = max(1.5, (ROW_H - 6) * math.log1p(c) / math.log1p(peak))
            out.append(f'<rect class="bin" x="{label_w + b * bar_w + 0.5:.1f}" '
                       f'y="{y + ROW_H - 3 - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                       f'fill="{colour}" fill-opacity="0.75"><title>{c} with score '
                       f'{b / BINS:.2f}-{(b + 1) / BINS:.2f}</title></rect>')
        n = row["n"]
        rate = row["flagged"] / n if n else 0.0
        out.append(f'<text x="{label_w + PLOT_W + 10}" y="{y + ROW_H - 9}" fill="#333">'
                   f'flagged {100 * rate:.2f}% of {n:,}</text>')
        out.append('</g>')
    axis_y = TOP + ROW_H * len(rows)
    out.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + PLOT_W}" y2="{axis_y}" '
               f'stroke="#333"/>')
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        x = _x(t, label_w)
        out.append(f'<line x1="{x}" y1="{axis_y}" x2="{x}" y2="{axis_y + 4}" stroke="#333"/>')
        out.append(f'<text x="{x}" y="{axis_y + 17}" text-anchor="middle">{t:g}</text>')
    out.append(f'<text x="{label_w + PLOT_W / 2}" y="{axis_y + 33}" text-anchor="middle" '
               f'fill="#555">score (bar height: log of the count, per row)</text>')
    tx = _x(threshold, label_w)
    out.append(f'<line class="threshold" x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" '
               f'y2="{axis_y}" stroke="#111" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{tx:.1f}" y="{TOP - 9}" text-anchor="middle" fill="#111">'
               f'flag threshold {threshold:g}</text>')
    out.append('</svg>\n')
    return "\n".join(out)


def plot(path, title, rows, threshold, subtitle, tool):
    """Writes score_distributions(...) to `path`. Returns 0, or 2 after naming the error."""
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(score_distributions(title, rows, threshold, subtitle))
    except OSError as e:
        print(f"{tool}: {path}: {e.strerror}", file=sys.stderr)
        return 2
    return 0
