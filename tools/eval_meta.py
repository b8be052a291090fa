#!/usr/bin/env python3
"""Scores `bantay meta --all` account leads against the truth file of `bantay simulate calls`.

Usage: eval_meta.py TRUTH.jsonl LEADS.jsonl [--calls CALLS.csv] [--json]
                    [--min-supply-f1 X] [--min-demand-f1 X] [--max-population-rate X]
                    [--window-days N] [--countries countries.csv]
                    [--plot FILE.svg] [--threshold X]

Prints precision, recall and F1 of flagged supply leads against the supply accounts (hubs),
and of flagged demand leads against the demand accounts (customers); the recall of each
supply and demand population; and the flag rate (flagged in either role) of every legitimate
population. Accounts missing from the leads count as not flagged. --plot draws the score
distribution of every population (tools/svgplot.py): hubs their supply score, customers their
demand score, legitimate populations the higher of the two; --threshold (0.5) is the line.

With --calls, also prints the literal-rule baseline computed from the call records alone: a
Philippine account with video contact with >= 3 distinct accounts of other, high-income
countries within some window of --window-days (7) days; and its demand-side mirror (a
high-income account with >= 3 distinct Philippine video counterparts). An account's country is
the one most often in its records' country columns (records without one are skipped), so the
baseline needs no IP database. Duplicate call_ids count once.

Exit status: 0 when every threshold holds, 1 when one fails, 2 for unreadable input.
Standard library only.
"""

import argparse
import csv
import json
import os
import sys
from collections import Counter, defaultdict, deque
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalcommon import InputError, open_input, read_jsonl  # noqa: E402
import svgplot  # noqa: E402

# World Bank FY2025 "High income" economies, ISO 3166-1 alpha-2 (data/countries/countries.csv
# has the same list; --countries reads it from there instead).
HIGH_INCOME = set("""
AD AE AG AS AT AU AW BB BE BG BH BM BN BS CA CH CL CW CY CZ DE DK EE ES FI FO FR GB GG GI GL
GR GU GY HK HR HU IE IL IM IS IT JE JP KN KR KW KY LI LT LU LV MC MF MO MP MT NC NL NO NR NZ
OM PA PF PL PR PT PW QA RO RU SA SC SE SG SI SK SM SX TC TT TW US UY
""".split())

ROLES = ("supply", "demand")




def read_truth(path):
    truth = {}
    for number, r in read_jsonl(path, {"account": str, "role": str, "population": str}):
        if r["role"] not in ROLES + ("none",):
            raise InputError(f"{path}:{number}:role: unknown role {r['role']!r}")
        if r["account"] in truth:
            raise InputError(f"{path}:{number}:account: duplicate {r['account']!r}")
        # Accounts on a trip to the Philippines, and accounts always behind a VPN, are
        # reported apart from their population (the travelling customer, the overseas
        # worker on leave, the customer who hides every call, ...).
        population = (r["population"] + (" on a trip" if r.get("trip") else "") +
                      (" behind a VPN" if r.get("vpn") is True else ""))
        truth[r["account"]] = {"role": r["role"], "population": population,
                               "country": r.get("country") or "?"}
    return truth


def read_leads(path):
    """(account, role) -> (flagged, score). A pair seen twice is flagged if either is."""
    leads = {}
    duplicates = 0
    for number, r in read_jsonl(path, {"account": str, "role": str, "flagged": bool}):
        if r["role"] not in ROLES:
            raise InputError(f"{path}:{number}:role: expected supply or demand, got "
                             f"{r['role']!r}")
        score = r.get("score")
        score = float(score) if isinstance(score, (int, float)) else None
        key = (r["account"], r["role"])
        if key in leads:
            duplicates += 1
            old_flag, old_score = leads[key]
            scores = [s for s in (old_score, score) if s is not None]
            leads[key] = (old_flag or r["flagged"], max(scores) if scores else None)
        else:
            leads[key] = (r["flagged"], score)
    return leads, duplicates


def read_high_income(path):
    """High-income codes from a countries CSV with code and income_group (H) columns."""
    codes = set()
    with open_input(path) as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or "code" not in reader.fieldnames or \
                "income_group" not in reader.fieldnames:
            raise InputError(f"{path}:1: needs columns code and income_group")
        for row in reader:
            if row["income_group"] == "H":
                codes.add(row["code"])
    return codes


def prf(tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else (1.0 if tp + fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "tp": tp, "fp": fp, "fn": fn}


def score_flags(truth, flagged):
    """flagged: role -> set of accounts flagged in that role."""
    report = {}
    for role in ROLES:
        positives = {a for a, t in truth.items() if t["role"] == role}
        predicted = flagged[role] & truth.keys()
        report[role] = prf(len(predicted & positives), len(predicted - positives),
                           len(positives - predicted))
    populations = defaultdict(lambda: [0, 0])
    any_flag = flagged["supply"] | flagged["demand"]
    for account, t in truth.items():
        cell = populations[(t["role"], t["population"])]
        cell[0] += 1
        if t["role"] == "none":
            cell[1] += account in any_flag
        else:
            cell[1] += account in flagged[t["role"]]
    report["populations"] = {
        pop: {"role": role, "n": n, "flagged": f, "rate": f / n}
        for (role, pop), (n, f) in sorted(populations.items(),
                                          key=lambda kv: ((ROLES + ("none",)).index(kv[0][0]),
                                                          kv[0][1]))}
    return report


def plot_rows(truth, leads, report):
    """One svgplot row per population, in the report's order (supply, demand, legitimate)."""
    scores = defaultdict(list)
    for account, t in truth.items():
        roles = ROLES if t["role"] == "none" else (t["role"],)
        best = max((leads.get((account, r), (False, None))[1] or 0.0) for r in roles)
        scores[t["population"]].append(best)
    return [{"label": f"{pop} ({cell['role']})",
             "kind": "negative" if cell["role"] == "none" else "positive",
             "scores": scores[pop], "flagged": cell["flagged"], "n": cell["n"]}
            for pop, cell in report["populations"].items()]


def evaluate(truth, leads):
    flagged = {role: {a for (a, r), (f, _) in leads.items() if r == role and f}
               for role in ROLES}
    report = score_flags(truth, flagged)
    report["accounts"] = len(truth)
    report["leads"] = len(leads)
    report["not_in_truth"] = len({a for a, _ in leads} - truth.keys())
    mean = {}
    for role in ROLES:
        pos = [s for (a, r), (_, s) in leads.items()
               if r == role and s is not None and truth.get(a, {}).get("role") == role]
        neg = [s for (a, r), (_, s) in leads.items()
               if r == role and s is not None and a in truth and truth[a]["role"] != role]
        mean[role] = {"positive": sum(pos) / len(pos) if pos else None,
                      "negative": sum(neg) / len(neg) if neg else None}
    report["mean_score"] = mean
    return report


def parse_time(text, where):
    text = text.strip()
    try:
        if text and (text[0].isdigit() or text[0] == "-") and text.lstrip("-").isdigit():
            return int(text)
        if text.endswith("Z") or text.endswith("z"):
            text = text[:-1] + "+00:00"
        return int(datetime.fromisoformat(text).timestamp())
    except ValueError:
        raise InputError(f"{where}:start: not RFC 3339 or epoch seconds: {text!r}")


def literal_baseline(path, truth, high_income, window_days):
    """The literal rule on the records alone, for supply and its demand-side mirror."""
    seen = set()
    home_votes = defaultdict(Counter)
    video = []  # (time, caller, callee)
    with open_input(path) as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: empty")
        col = {name.strip(): i for i, name in enumerate(header)}
        for need in ("call_id", "start", "caller", "callee", "media"):
            if need not in col:
                raise InputError(f"{path}:1:{need}: missing column")
        i_id, i_start, i_a, i_b, i_media = (col[c] for c in
                                            ("call_id", "start", "caller", "callee", "media"))
        i_ca, i_cb = col.get("caller_country"), col.get("callee_country")
        width = max(col.values()) + 1
        for number, row in enumerate(reader, 2):
            if not row:
                continue
            if len(row) < width:
                raise InputError(f"{path}:{number}: {len(row)} columns, header has {width}")
            if row[i_id] in seen:
                continue
            seen.add(row[i_id])
            a, b = row[i_a], row[i_b]
            if i_ca is not None and row[i_ca]:
                home_votes[a][row[i_ca]] += 1
            if i_cb is not None and row[i_cb]:
                home_votes[b][row[i_cb]] += 1
            if row[i_media] == "video":
                video.append((parse_time(row[i_start], f"{path}:{number}"), a, b))
    home = {a: max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]
            for a, votes in home_votes.items()}
    # Qualifying half-edges: (account, time, counterpart).
    supply_edges = defaultdict(list)
    demand_edges = defaultdict(list)
    for t, a, b in video:
        ha, hb = home.get(a), home.get(b)
        if ha is None or hb is None or ha == hb:
            continue
        for x, hx, y, hy in ((a, ha, b, hb), (b, hb, a, ha)):
            if hx == "PH" and hy in high_income:
                supply_edges[x].append((t, y))
            if hx in high_income and hy == "PH":
                demand_edges[x].append((t, y))
    window = window_days * 86400

    def fires(edges):
        edges.sort()
        counts = Counter()
        q = deque()
        for t, y in edges:
            q.append((t, y))
            counts[y] += 1
            while t - q[0][0] >= window:
                _, old = q.popleft()
                counts[old] -= 1
                if not counts[old]:
                    del counts[old]
            if len(counts) >= 3:
                return True
        return False

    flagged = {"supply": {a for a, e in supply_edges.items() if fires(e)},
               "demand": {a for a, e in demand_edges.items() if fires(e)}}
    report = score_flags(truth, flagged)
    report["records"] = len(seen)
    report["ph_accounts"] = sum(1 for h in home.values() if h == "PH")
    return report


def check(report, min_supply_f1, min_demand_f1, max_population_rate):
    failures = []
    if report["supply"]["f1"] < min_supply_f1:
        failures.append(f"supply F1 {report['supply']['f1']:.4f} < {min_supply_f1}")
    if report["demand"]["f1"] < min_demand_f1:
        failures.append(f"demand F1 {report['demand']['f1']:.4f} < {min_demand_f1}")
    for pop, cell in report["populations"].items():
        if cell["role"] == "none" and cell["rate"] > max_population_rate:
            failures.append(f"population {pop}: flag rate {cell['rate']:.4f} > "
                            f"{max_population_rate}")
    return failures


def print_scores(report, w, indent=""):
    for role in ROLES:
        r = report[role]
        w(f"{indent}{role:<7} precision {r['precision']:.4f}  recall {r['recall']:.4f}  "
          f"F1 {r['f1']:.4f}   (tp {r['tp']}  fp {r['fp']}  fn {r['fn']})\n")
    w(f"{indent}per population (supply/demand: recall in their role; none: flagged in "
      "either role)\n")
    for pop, cell in report["populations"].items():
        what = "recall " if cell["role"] != "none" else "flagged"
        w(f"{indent}  {pop:<18} {cell['role']:<6} {what} {cell['rate']:7.4f}   "
          f"{cell['flagged']:>7} / {cell['n']}\n")


def print_text(report, baseline, failures, thresholds, out=sys.stdout):
    w = out.write
    w(f"accounts {report['accounts']}  leads {report['leads']}")
    if report["not_in_truth"]:
        w(f"  accounts not in truth {report['not_in_truth']}")
    w("\n\nbantay meta\n")
    print_scores(report, w, "  ")
    ms = report["mean_score"]
    fmt = lambda x: "-" if x is None else f"{x:.3f}"
    for role in ROLES:
        w(f"  mean {role} score: positives {fmt(ms[role]['positive'])}  "
          f"others {fmt(ms[role]['negative'])}\n")
    if baseline is not None:
        w(f"\nliteral rule on the records ({baseline['records']} distinct calls, "
          f"{baseline['ph_accounts']} PH accounts): >= 3 distinct high-income foreign video "
          f"counterparts in {thresholds['window_days']} days\n")
        print_scores(baseline, w, "  ")
    w("\nthresholds: supply F1 >= {min_supply_f1}, demand F1 >= {min_demand_f1}, "
      "legitimate population flag rate <= {max_population_rate}\n".format(**thresholds))
    if failures:
        w("FAIL\n")
        for f in failures:
            w(f"  {f}\n")
    else:
        w("PASS\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("truth", help="truth JSONL from `bantay simulate calls --truth`")
    p.add_argument("leads", help="output of `bantay meta --all` ('-' for stdin)")
    p.add_argument("--calls", help="the call records CSV, for the literal-rule baseline")
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.add_argument("--min-supply-f1", type=float, default=0.95)
    p.add_argument("--min-demand-f1", type=float, default=0.85)
    p.add_argument("--max-population-rate", type=float, default=0.005)
    p.add_argument("--window-days", type=int, default=7)
    p.add_argument("--countries", help="countries CSV (code,income_group) for the baseline's "
                                       "high-income set (default: built in, FY2025)")
    p.add_argument("--plot", metavar="FILE.svg", help="write score distributions per population")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="flag threshold drawn in the plot (meta's; default 0.5)")
    args = p.parse_args(argv)
    try:
        truth = read_truth(args.truth)
        leads, duplicates = read_leads(args.leads)
        high_income = read_high_income(args.countries) if args.countries else HIGH_INCOME
        baseline = (literal_baseline(args.calls, truth, high_income, args.window_days)
                    if args.calls else None)
    except InputError as e:
        print(f"eval_meta: {e}", file=sys.stderr)
        return 2
    if duplicates:
        print(f"eval_meta: warning: {duplicates} (account, role) pairs appear more than once "
              f"in {args.leads}", file=sys.stderr)
    report = evaluate(truth, leads)
    subtitle = (f"{report['accounts']:,} accounts; supply F1 {report['supply']['f1']:.4f}, "
                f"demand F1 {report['demand']['f1']:.4f}")
    if args.plot and svgplot.plot(args.plot, "bantay meta: score per account, by population",
                                  plot_rows(truth, leads, report), args.threshold, subtitle,
                                  "eval_meta"):
        return 2
    thresholds = {"min_supply_f1": args.min_supply_f1, "min_demand_f1": args.min_demand_f1,
                  "max_population_rate": args.max_population_rate,
                  "window_days": args.window_days}
    failures = check(report, args.min_supply_f1, args.min_demand_f1, args.max_population_rate)
    if args.json:
        report["baseline"] = baseline
        report["thresholds"] = thresholds
        report["failures"] = failures
        report["pass"] = not failures
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_text(report, baseline, failures, thresholds)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
