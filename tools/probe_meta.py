#!/usr/bin/env python3
"""Probes `bantay meta` with months unlike the one it was tuned on.

Usage: probe_meta.py --bantay BIN [--accounts N] [--days D] [--seed S] [--json] [--kinds a,b,...]

`bantay meta` was tuned on the simulator's default month, written the simulator's way, so
its scores there say little about a platform's export it has not seen. This simulates one
month (with truth), then runs `bantay meta --all` on it as is ("base") and on each kind
below, and prints per kind the supply and demand F1 and the legitimate population flagged
most often, next to the base month. Two families of kinds:

* rewrites of the base month's records: the same calls written as another platform might
  export them (JSONL, ';' or tab separated, local-time offsets, epoch seconds, opaque
  account ids, in order of call end, no location columns), or fewer of them (video calls only, a 50% sample), or
  coarser (durations in whole minutes), or a population behaving otherwise (call-centre
  agents who take a third, most or all of their calls on video; tutors whose lessons keep
  no weekly slot; hubs whose shows all last 20 minutes);
* other months from the simulator with one setting changed (fewer or more hubs, many calls
  behind VPNs, busier ordinary users, two weeks, two months).

It is a probe, not a gate: the exit status is 0 whatever the numbers (2 when bantay fails or
its output is unreadable). Standard library only.
"""

import csv
import hashlib
import json
import math
import os
import random
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalcommon import InputError, probe_arguments, probe_failed, run_checked  # noqa: E402
from eval_meta import evaluate, read_leads, read_truth  # noqa: E402

FIELDS = ["call_id", "start", "duration_s", "caller", "callee", "media", "caller_ip",
          "callee_ip", "caller_country", "callee_country", "caller_region", "callee_region"]


def _utc(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _manila(row):
    t = _utc(row["start"]).astimezone(timezone(timedelta(hours=8)))
    return dict(row, start=t.isoformat())


def _epoch(row):
    return dict(row, start=str(int(_utc(row["start"]).timestamp())))


def _no_location(row):
    return dict(row, caller_country="", callee_country="", caller_region="", callee_region="")


def _minutes(row):
    return dict(row, duration_s=str(60 * math.ceil(int(row["duration_s"]) / 60)))


def opaque_id(account):
    """An account id as a platform might export it: a 64-digit hex digest."""
    return hashlib.sha256(account.encode()).hexdigest()


def _opaque(row):
    return dict(row, caller=opaque_id(row["caller"]), callee=opaque_id(row["callee"]))


def _end_order(rows):
    return sorted(rows, key=lambda r: _utc(r["start"]) + timedelta(seconds=int(r["duration_s"])))


def _sampled(rows):
    rng = random.Random(7)
    kept = {}
    for r in rows:  # a duplicate record (same call_id) shares its call's fate
        if kept.setdefault(r["call_id"], rng.random() < 0.5):
            yield r


def _centre_video(share):
    """Call-centre agents who take `share` of their audio calls on video (video support)."""
    def apply(rows, populations):
        rng = random.Random(11)
        for r in rows:
            if r["media"] == "audio" and "call_centre" in (populations.get(r["caller"]),
                                                         populations.get(r["callee"])):
                if rng.random() < share:
                    r = dict(r, media="video")
            yield r
    return apply


def _tutor_off_schedule(rows, populations):
    """Tutors whose students book lessons at any free hour: each lesson moved by a whole number
    of hours, up to three days either way, so that no weekly slot is kept."""
    rng = random.Random(5)
    out = []
    for r in rows:
        if r["media"] == "video" and "tutor" in (populations.get(r["caller"]),
                                                 populations.get(r["callee"])):
            moved = _utc(r["start"]) + timedelta(hours=rng.randint(-72, 72))
            r = dict(r, start=moved.strftime("%Y-%m-%dT%H:%M:%SZ"))
        out.append(r)
    return sorted(out, key=lambda r: _utc(r["start"]))


def _hub_shows_one_length(rows, populations):
    """Hubs whose every call lasts exactly 20 minutes ("calls of one fixed length" counts
    against them)."""
    for r in rows:
        if "hub" in (populations.get(r["caller"]), populations.get(r["callee"])):
            r = dict(r, duration_s="1200")
        yield r


def _rows_only(f):
    return lambda rows, populations: f(rows)


def _per_row(f):
    return lambda rows: (f(r) for r in rows)


# Rewrites of the base month: kind -> (function of the rows and the truth's population of
# each account, output format).
REWRITES = {
    "jsonl": (_rows_only(lambda rows: rows), "jsonl"),
    "semicolons": (_rows_only(lambda rows: rows), "semicolons"),
    "tsv": (_rows_only(lambda rows: rows), "tsv"),
    "manila_offsets": (_rows_only(_per_row(_manila)), "csv"),
    "epoch_seconds": (_rows_only(_per_row(_epoch)), "csv"),
    "opaque_ids": (_rows_only(_per_row(_opaque)), "csv"),
    "end_order": (_rows_only(_end_order), "csv"),
    "ip_only": (_rows_only(_per_row(_no_location)), "csv"),
    "video_only": (_rows_only(lambda rows: (r for r in rows if r["media"] == "video")), "csv"),
    "sampled_half": (_rows_only(_sampled), "csv"),
    "whole_minutes": (_rows_only(_per_row(_minutes)), "csv"),
    # A population variant: call centres that take a third, most or all of their calls on video.
    "centre_video_third": (_centre_video(0.3), "csv"),
    "centre_video_most": (_centre_video(0.6), "csv"),
    "centre_video_all": (_centre_video(1.0), "csv"),
    # Tutors teaching on demand: the same lessons, at no fixed weekday and hour.
    "tutor_off_schedule": (_tutor_off_schedule, "csv"),
    # Hubs whose shows all last the same 20 minutes.
    "hub_shows_one_length": (_hub_shows_one_length, "csv"),
}
# Other months: kind -> extra `bantay simulate calls` arguments.
MONTHS = {
    "few_hubs": ["--hub-share", "0.0005"],
    "many_hubs": ["--hub-share", "0.005"],
    "vpn_heavy": ["--vpn-rate", "0.2"],
    "busy_ordinary": ["--ordinary-rate", "3"],
    "two_weeks": ["--days", "14"],
    "two_months": ["--days", "60"],
}
KINDS = list(REWRITES) + list(MONTHS)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_rows(rows, path, fmt):
    with open(path, "w", newline="", encoding="utf-8") as f:
        if fmt == "jsonl":
            for r in rows:
                out = {k: v for k, v in r.items() if v != ""}
                out["duration_s"] = int(out["duration_s"])
                f.write(json.dumps(out) + "\n")
            return
        delimiter = {"semicolons": ";", "tsv": "\t"}.get(fmt, ",")
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n", delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)


def opaque_truth(src, dst):
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            r = json.loads(line)
            r["account"] = opaque_id(r["account"])
            out.write(json.dumps(r) + "\n")


def measure(bantay, kind, calls, truth, tmp):
    leads_path = os.path.join(tmp, kind + ".leads.jsonl")
    with open(leads_path, "w", encoding="utf-8") as out:
        status = subprocess.run([bantay, "meta", "--all", calls],
                                stdout=out, stderr=subprocess.PIPE, text=True)
    if status.returncode not in (0, 1):  # 1 is "findings"
        raise subprocess.CalledProcessError(status.returncode, "bantay meta", stderr=status.stderr)
    report = evaluate(read_truth(truth), read_leads(leads_path)[0])
    legit = [(cell["rate"], pop, cell["n"]) for pop, cell in report["populations"].items()
             if cell["role"] == "none"]
    rate, pop, n = max(legit) if legit else (0.0, "-", 0)
    return {"kind": kind, "supply_f1": report["supply"]["f1"], "demand_f1": report["demand"]["f1"],
            "worst_legitimate": pop, "worst_rate": rate, "worst_n": n}


def main():
    a, kinds = probe_arguments(__doc__, KINDS,
                               [("--accounts", 60000), ("--days", 30), ("--seed", 777)])
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            def simulate(name, extra):
                calls = os.path.join(tmp, name + ".csv")
                truth = os.path.join(tmp, name + ".truth.jsonl")
                days = [] if "--days" in extra else ["--days", str(a.days)]
                run_checked([a.bantay, "simulate", "calls", "--accounts", str(a.accounts), *days,
                     "--seed", str(a.seed), "--truth", truth, "--out", calls, *extra])
                return calls, truth

            base_calls, base_truth = simulate("base", [])
            rows.append(measure(a.bantay, "base", base_calls, base_truth, tmp))
            base_rows = read_rows(base_calls) if any(k in REWRITES for k in kinds) else []
            with open(base_truth, encoding="utf-8") as f:
                populations = {r["account"]: r["population"] for r in map(json.loads, f)}
            for kind in kinds:
                if kind in MONTHS:
                    calls, truth = simulate(kind, MONTHS[kind])
                else:
                    rewrite, fmt = REWRITES[kind]
                    calls = os.path.join(tmp, f"{kind}.{fmt}")
                    write_rows(rewrite(base_rows, populations), calls, fmt)
                    truth = base_truth
                    if kind == "opaque_ids":
                        truth = os.path.join(tmp, "opaque.truth.jsonl")
                        opaque_truth(base_truth, truth)
                rows.append(measure(a.bantay, kind, calls, truth, tmp))
                if not a.json:
                    print(f"  {kind} done", file=sys.stderr, flush=True)
    except (subprocess.CalledProcessError, InputError, ValueError, OSError) as e:
        return probe_failed("probe_meta", e)
    if a.json:
        for r in rows:
            print(json.dumps(r))
        return 0
    print(f"{a.accounts} accounts, {a.days} days, seed {a.seed}")
    print(f"{'kind':20s} {'supply F1':>9s} {'demand F1':>9s}  most flagged legitimate population")
    for r in rows:
        print(f"{r['kind']:20s} {r['supply_f1']:9.3f} {r['demand_f1']:9.3f}  "
              f"{r['worst_legitimate']} {r['worst_rate']:.4f} of {r['worst_n']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
