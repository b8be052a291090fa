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
