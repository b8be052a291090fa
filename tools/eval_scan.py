#!/usr/bin/env python3
"""Scores `bantay scan --all` output against the truth file of `bantay simulate chats`.

Usage: eval_scan.py TRUTH.jsonl SCAN.jsonl [--json] [--min-f1 X]
                    [--max-negative-family-rate X] [--min-obfuscation-recall X]
                    [--plot FILE.svg] [--threshold X]

Prints precision, recall and F1 of `flagged` against `positive`; the flag rate of every
negative family; the recall of every positive family; recall per obfuscation kind on
positives and flag rate per kind on negatives; and the same by language. Conversations
missing from the scan output count as not flagged. --plot draws the score distribution of
every family (tools/svgplot.py) with the flag threshold (--threshold, default 0.5).

Exit status: 0 when every threshold holds, 1 when one fails, 2 for unreadable input.
Standard library only.
"""

import argparse
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalcommon import InputError, read_jsonl  # noqa: E402
import svgplot  # noqa: E402


def read_truth(path):
    truth = {}
    for number, r in read_jsonl(path, {"conversation": str, "positive": bool, "family": str}):
        if r["conversation"] in truth:
            raise InputError(f"{path}:{number}:conversation: duplicate {r['conversation']!r}")
        truth[r["conversation"]] = {
            "positive": r["positive"],
            "family": r["family"],
            "obfuscation": r.get("obfuscation") or "none",
            "language": r.get("language") or "?",
        }
    return truth


def read_scan(path):
    """conversation -> (flagged, score). A conversation seen twice is flagged if either is."""
    scan = {}
    duplicates = 0
    for _, r in read_jsonl(path, {"conversation": str, "flagged": bool}):
        score = r.get("score")
        score = float(score) if isinstance(score, (int, float)) else None
        c = r["conversation"]
        if c in scan:
            duplicates += 1
            old_flag, old_score = scan[c]
            scores = [s for s in (old_score, score) if s is not None]
            scan[c] = (old_flag or r["flagged"], max(scores) if scores else None)
        else:
            scan[c] = (r["flagged"], score)
    return scan, duplicates


def ratio(num, den):
    return num / den if den else None


def evaluate(truth, scan):
    tp = fp = fn = tn = 0
    # group -> [total, flagged], for positives and negatives separately
    groups = {name: defaultdict(lambda: [0, 0]) for name in (
        "positive_family", "negative_family", "positive_obfuscation",
        "negative_obfuscation", "positive_language", "negative_language")}
    missing = 0
    pos_scores, neg_scores = [], []
    for conv, t in truth.items():
        flagged, score = scan.get(conv, (False, None))
        if conv not in scan:
            missing += 1
        side = "positive" if t["positive"] else "negative"
        if t["positive"]:
            tp += flagged
            fn += not flagged
            if score is not None:
                pos_scores.append(score)
        else:
            fp += flagged
            tn += not flagged
            if score is not None:
                neg_scores.append(score)
        for key, value in (("family", t["family"]), ("obfuscation", t["obfuscation"]),
                           ("language", t["language"])):
            cell = groups[f"{side}_{key}"][value]
            cell[0] += 1
            cell[1] += flagged
    precision = ratio(tp, tp + fp)
    recall = ratio(tp, tp + fn)
    if precision is None:  # nothing flagged: perfect only if there was nothing to flag
        precision = 1.0 if tp + fn == 0 else 0.0
    if recall is None:
        recall = 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def table(name):
        return {k: {"n": n, "flagged": f, "rate": f / n}
                for k, (n, f) in sorted(groups[name].items())}

    def mean(xs):
        return sum(xs) / len(xs) if xs else None

    return {
        "conversations": len(truth),
        "positives": tp + fn,
        "negatives": fp + tn,
        "missing_from_scan": missing,
        "extra_in_scan": sum(1 for c in scan if c not in truth),
        "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "mean_score": {"positive": mean(pos_scores), "negative": mean(neg_scores)},
        # "rate" is recall for positive_* tables and flag (false positive) rate for negative_*.
        "positive_family": table("positive_family"),
        "negative_family": table("negative_family"),
        "positive_obfuscation": table("positive_obfuscation"),
        "negative_obfuscation": table("negative_obfuscation"),
        "positive_language": table("positive_language"),
        "negative_language": table("negative_language"),
    }


def plot_rows(truth, scan):
    """One svgplot row per positive family, then per negative family."""
    groups = {}
    for conv, t in truth.items():
        flagged, score = scan.get(conv, (False, None))
        kind = "positive" if t["positive"] else "negative"
        g = groups.setdefault((kind, t["family"]), {"scores": [], "flagged": 0, "n": 0})
        g["scores"].append(score if score is not None else 0.0)
        g["flagged"] += flagged
        g["n"] += 1
    return [dict(label=family, kind=kind, **g)
            for (kind, family), g in sorted(groups.items(),
                                            key=lambda kv: (kv[0][0] != "positive", kv[0][1]))]


def check(report, min_f1, max_negative_family_rate, min_obfuscation_recall):
    failures = []
    if report["f1"] < min_f1:
        failures.append(f"F1 {report['f1']:.4f} < {min_f1}")
    for family, cell in report["negative_family"].items():
        if cell["rate"] > max_negative_family_rate:
            failures.append(f"negative family {family}: flag rate {cell['rate']:.4f} > "
                            f"{max_negative_family_rate}")
    for kind, cell in report["positive_obfuscation"].items():
        if cell["rate"] < min_obfuscation_recall:
            failures.append(f"obfuscation {kind}: recall {cell['rate']:.4f} < "
                            f"{min_obfuscation_recall}")
    return failures


def print_text(report, failures, thresholds, out=sys.stdout):
    c = report["confusion"]
    w = out.write
    w(f"conversations {report['conversations']}  positives {report['positives']}  "
      f"negatives {report['negatives']}  missing from scan {report['missing_from_scan']}")
    if report["extra_in_scan"]:
        w(f"  not in truth {report['extra_in_scan']}")
    w("\n")
    w(f"precision {report['precision']:.4f}  recall {report['recall']:.4f}  "
      f"F1 {report['f1']:.4f}   (tp {c['tp']}  fp {c['fp']}  fn {c['fn']}  tn {c['tn']})\n")
    ms = report["mean_score"]
    if ms["positive"] is not None or ms["negative"] is not None:
        fmt = lambda x: "-" if x is None else f"{x:.3f}"
        w(f"mean score: positives {fmt(ms['positive'])}  negatives {fmt(ms['negative'])}\n")

    def section(title, table, what):
        w(f"\n{title}\n")
        if not table:
            w("  (none)\n")
        for key, cell in table.items():
            w(f"  {key:<22} {what} {cell['rate']:7.4f}   {cell['flagged']:>7} / {cell['n']}\n")

    section("recall per positive family", report["positive_family"], "recall")
    section("flag rate per negative family", report["negative_family"], "flagged")
    section("recall per obfuscation (positives)", report["positive_obfuscation"], "recall")
    section("flag rate per obfuscation (negatives)", report["negative_obfuscation"], "flagged")
    section("recall per language (positives)", report["positive_language"], "recall")
    section("flag rate per language (negatives)", report["negative_language"], "flagged")
    w("\nthresholds: F1 >= {min_f1}, negative family flag rate <= {max_negative_family_rate}, "
      "obfuscation recall >= {min_obfuscation_recall}\n".format(**thresholds))
    if failures:
        w("FAIL\n")
        for f in failures:
            w(f"  {f}\n")
    else:
        w("PASS\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("truth", help="truth JSONL from `bantay simulate chats --truth`")
    p.add_argument("scan", help="output of `bantay scan --all` ('-' for stdin)")
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.add_argument("--min-f1", type=float, default=0.97)
    p.add_argument("--max-negative-family-rate", type=float, default=0.02)
    p.add_argument("--min-obfuscation-recall", type=float, default=0.95)
    p.add_argument("--plot", metavar="FILE.svg", help="write score distributions per family")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="flag threshold drawn in the plot (the scan's; default 0.5)")
    args = p.parse_args(argv)
    try:
        truth = read_truth(args.truth)
        scan, duplicates = read_scan(args.scan)
    except InputError as e:
        print(f"eval_scan: {e}", file=sys.stderr)
        return 2
    if duplicates:
        print(f"eval_scan: warning: {duplicates} conversations appear more than once in "
              f"{args.scan}", file=sys.stderr)
    report = evaluate(truth, scan)
    subtitle = (f"{report['conversations']:,} conversations; precision "
                f"{report['precision']:.4f}, recall {report['recall']:.4f}, F1 {report['f1']:.4f}")
    if args.plot and svgplot.plot(args.plot, "bantay scan: score per conversation, by family",
                                  plot_rows(truth, scan), args.threshold, subtitle, "eval_scan"):
        return 2
    thresholds = {"min_f1": args.min_f1,
                  "max_negative_family_rate": args.max_negative_family_rate,
                  "min_obfuscation_recall": args.min_obfuscation_recall}
    failures = check(report, **thresholds)
    if args.json:
        report["thresholds"] = thresholds
        report["failures"] = failures
        report["pass"] = not failures
        json.dump(report, sys.stdout, indent=2, sort_keys=False)
        sys.stdout.write("\n")
    else:
        print_text(report, failures, thresholds)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
