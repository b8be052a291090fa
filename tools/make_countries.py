#!/usr/bin/env python3
"""tools/make_countries.py: builds data/countries/countries.csv (code,name,income_group,
utc_offset_min) from Debian's iso-codes (ISO 3166-1 codes and names), the World Bank FY2025
income groups (../shared/data/worldbank/income-groups-fy2025.csv, CC BY 4.0) and a
representative standard-time UTC offset per country.

Usage: tools/make_countries.py [--iso PATH] [--worldbank PATH] [--out PATH]

Income groups are written as H, UM, LM, L, or "unknown" where the World Bank does not classify
the economy (Venezuela in FY2025, and territories it does not list separately). The UTC offset
is a hand-curated representative for the most populous and multi-zone countries (the zone where
most people live, standard time: daylight saving is ignored, an hour off for part of the year
is within what the analysis needs); other countries take the standard offset of their first
zone in tzdata's zone.tab, or 0 when tzdata has none.
"""

import argparse
import csv
import datetime
import io
import json
import os
import sys

# Standard-time offsets in minutes east of UTC, for the populous countries and every large
# country that spans several zones (the zone where most of its people live).
CURATED_OFFSETS = {
    "AF": 270, "AE": 240, "AO": 60, "AR": -180, "AT": 60, "AU": 600, "AZ": 240, "BD": 360,
    "BE": 60, "BF": 0, "BH": 180, "BI": 120, "BJ": 60, "BO": -240, "BR": -180, "BY": 180,
    "CA": -300, "CD": 60, "CH": 60, "CI": 0, "CL": -240, "CM": 60, "CN": 480, "CO": -300,
    "CU": -300, "CZ": 60, "DE": 60, "DK": 60, "DO": -240, "DZ": 60, "EC": -300, "EG": 120,
    "ES": 60, "ET": 180, "FI": 120, "FR": 60, "GB": 0, "GH": 0, "GN": 0, "GR": 120, "GT": -360,
    "HK": 480, "HN": -360, "HT": -300, "HU": 60, "ID": 420, "IE": 0, "IL": 120, "IN": 330,
    "IQ": 180, "IR": 210, "IT": 60, "JO": 180, "JP": 540, "KE": 180, "KH": 420, "KP": 540,
    "KR": 540, "KW": 180, "KZ": 300, "LB": 120, "LK": 330, "MA": 60, "MG": 180, "ML": 0,
    "MM": 390, "MW": 120, "MX": -360, "MY": 480, "MZ": 120, "NE": 60, "NG": 60, "NL": 60,
    "NO": 60, "NP": 345, "NZ": 720, "OM": 240, "PE": -300, "PG": 600, "PH": 480, "PK": 300,
    "PL": 60, "PT": 0, "QA": 180, "RO": 120, "RU": 180, "RW": 120, "SA": 180, "SD": 120,
    "SE": 60, "SG": 480, "SN": 0, "SO": 180, "SS": 120, "SY": 180, "TD": 60, "TH": 420,
    "TJ": 300, "TN": 60, "TR": 180, "TW": 480, "TZ": 180, "UA": 120, "UG": 180, "US": -300,
    "UZ": 300, "VE": -240, "VN": 420, "XK": 60, "YE": 180, "ZA": 120, "ZM": 120, "ZW": 120,
}

INCOME = {
    "High income": "H",
    "Upper middle income": "UM",
    "Lower middle income": "LM",
    "Low income": "L",
    "": "unknown",
}

# World Bank economies without an ISO 3166-1 alpha-3 of their own.
WB_EXTRA = {
    "CHI": ["JE", "GG"],  # Channel Islands: Jersey and Guernsey
    "XKX": ["XK"],        # Kosovo: the user-assigned code in common use
}
EXTRA_NAMES = {"XK": "Kosovo"}


def zone_offsets(zone_tab):
    """Country code -> standard offset (minutes) of its first zone in zone.tab."""
    out = {}
    if not os.path.exists(zone_tab):
        return out
    try:
        import zoneinfo
    except ImportError:
        return out
    when = datetime.datetime(2025, 1, 15, 12, 0)
    with open(zone_tab, encoding="ascii") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            code, zone = cols[0], cols[2]
            if code in out:
                continue
            try:
                z = zoneinfo.ZoneInfo(zone)
            except Exception:
                continue
            aware = when.replace(tzinfo=z)
            std = aware.utcoffset() - (aware.dst() or datetime.timedelta(0))
            out[code] = int(std.total_seconds() // 60)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iso", default="/usr/share/iso-codes/json/iso_3166-1.json")
    p.add_argument("--worldbank",
                   default=os.path.join(root, "..", "shared", "data", "worldbank",
                                        "income-groups-fy2025.csv"))
    p.add_argument("--zone-tab", default="/usr/share/zoneinfo/zone.tab")
    p.add_argument("--out", default=os.path.join(root, "data", "countries", "countries.csv"))
    args = p.parse_args()

    with open(args.iso, encoding="utf-8") as f:
        iso = json.load(f)["3166-1"]
    by_alpha3 = {e["alpha_3"]: e["alpha_2"] for e in iso}
    names = {e["alpha_2"]: e.get("common_name", e["name"]) for e in iso}
    names.update(EXTRA_NAMES)

    income = {}
    with open(args.worldbank, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            group = row["income_group"].strip()
            if group not in INCOME:
                sys.exit(f"make_countries: unknown income group {group!r} for {row['iso3']}")
            codes = WB_EXTRA.get(row["iso3"]) or (
                [by_alpha3[row["iso3"]]] if row["iso3"] in by_alpha3 else [])
            if not codes:
                sys.exit(f"make_countries: no ISO alpha-2 code for {row['iso3']} "
                         f"({row['economy']})")
            for code in codes:
                income[code] = INCOME[group]

    zones = zone_offsets(args.zone_tab)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["code", "name", "income_group", "utc_offset_min"])
    for code in sorted(names):
        offset = CURATED_OFFSETS.get(code, zones.get(code, 0))
        w.writerow([code, names[code], income.get(code, "unknown"), offset])
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    print(f"make_countries: wrote {len(names)} countries to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
