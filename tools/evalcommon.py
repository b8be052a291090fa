"""Input reading shared by tools/eval_scan.py and tools/eval_meta.py (python3 stdlib only)."""

import json
import sys


class InputError(Exception):
    """Bad input: the message names file:line:field."""


def open_input(path):
    """Opens a file for reading, or stdin for '-'."""
    try:
        return sys.stdin if path == "-" else open(path, encoding="utf-8", newline="")
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")


def read_jsonl(path, required):
    """Yields (line_number, record) for each non-blank line; checks required fields."""
    with open_input(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{number}: invalid JSON: {e.msg}")
            if not isinstance(record, dict):
                raise InputError(f"{path}:{number}: not a JSON object")
            for field, kind in required.items():
                if not isinstance(record.get(field), kind):
                    raise InputError(
                        f"{path}:{number}:{field}: missing or not a {kind.__name__}")
            yield number, record


def probe_arguments(doc, kinds, sizes):
    """The probes' command line: --bantay BIN, the size options `sizes` ((flag, default)
    pairs, integers), --seed, --kinds (a comma list of `kinds`, all by default) and --json.
    Returns the parsed arguments and the list of kinds asked for."""
    import argparse
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--bantay", required=True)
    for flag, default in sizes:
        p.add_argument(flag, type=int, default=default)
    p.add_argument("--kinds", default=",".join(kinds))
    p.add_argument("--json", action="store_true", help="one JSON object per kind")
    a = p.parse_args()
    asked = [k for k in a.kinds.split(",") if k]
    unknown = [k for k in asked if k not in kinds]
    if unknown:
        p.error(f"unknown kinds: {', '.join(unknown)} (known: {', '.join(kinds)})")
    return a, asked


def run_checked(args):
    """Runs a command; its standard output, or CalledProcessError with its standard error."""
    import subprocess
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def probe_failed(name, error):
    """Reports a probe's failed command or unreadable output on stderr; returns exit status 2."""
    import subprocess
    detail = str(error)
    if isinstance(error, subprocess.CalledProcessError):
        detail = (error.stderr or "").strip() or detail  # the command and its exit status
    print(f"{name}: {detail}", file=sys.stderr)
    return 2
