#!/usr/bin/env python3
"""Probes `bantay scan` with obfuscations that `bantay simulate chats` never generates.

Usage: probe_obfuscations.py --bantay BIN [--n N] [--seed S] [--json] [--kinds a,b,...]

The simulator's obfuscations (leet, spacing, homoglyph, repeat, zero-width, case, vowels, mixed)
are what the scan was built and tuned against, so its recall on them says little about
text it has not seen. This takes N simulated conversations without obfuscation, rewrites
every message with each kind below (every word of four or more letters, or every letter,
as the kind says) and prints, per kind, the recall on positives and the flag rate on
negatives next to the unobfuscated baseline. It is a probe, not a gate: the exit status is
0 whatever the numbers (2 when bantay fails or its output is unreadable).

Standard library only.
"""

import json
import os
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalcommon import probe_arguments, probe_failed, run_checked  # noqa: E402


def _words(transform):
    """Applies `transform` to each space-separated word of four or more ASCII letters."""
    def apply(text):
        return " ".join(
            transform(w) if len(w) >= 4 and w.isascii() and w.isalpha() else w
            for w in text.split(" "))
    return apply


def _letters(mapping):
    """Maps each ASCII lower-case letter through `mapping` (a function of the letter)."""
    def apply(text):
        return "".join(mapping(c) if "a" <= c <= "z" else c for c in text)
    return apply


# Look-alikes from other scripts that Unicode's confusables list as the Latin letter.
_GREEK_CYRILLIC = {"a": "\u03b1", "o": "\u03bf", "p": "\u03c1", "e": "\u0435", "i": "\u0456",
                   "c": "\u0441", "x": "\u0445", "y": "\u0443", "k": "\u03ba"}
_SUPERSCRIPT = dict(zip("abdeghikmnoprstuvw",
                        "\u1d43\u1d47\u1d48\u1d49\u1d4d\u02b0\u2071\u1d4f\u1d50\u207f"
                        "\u1d52\u1d56\u02b3\u02e2\u1d57\u1d58\u1d5b\u02b7"))

def _disguised_terms():
    """Single-word terms of five or more letters that offenders disguise (sexual, payment,
    solicitation) from the repository's lexicons."""
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "lexicons")
    terms = set()
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".tsv"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if (len(cols) >= 2 and cols[1] in ("sexual", "payment", "solicitation")
                        and cols[0].isascii() and cols[0].isalpha() and len(cols[0]) >= 5):
                    terms.add(cols[0].lower())
    return terms


def _cut_terms(text):
    """Cuts each disguised term in two with a space in its middle ("pay pal")."""
    global _TERMS
    if _TERMS is None:
        _TERMS = _disguised_terms()
    return " ".join(w[:len(w) // 2] + " " + w[len(w) // 2:] if w.lower() in _TERMS else w
                    for w in text.split(" "))


_TERMS = None

# Words a chat writes as a pictograph instead (money, the camera, body parts), as a person
# would pick them: not read from bantay's lexicons.
_PICTOGRAPHS = {"money": "\U0001F4B0", "cash": "\U0001F4B5", "pera": "\U0001F4B0",
                "bayad": "\U0001F4B0", "pay": "\U0001F4B8", "payment": "\U0001F4B8",
                "dollars": "\U0001F4B5", "usd": "\U0001F4B5", "cam": "\U0001F4F7",
                "camera": "\U0001F4F7", "webcam": "\U0001F4F7", "video": "\U0001F4F9",
                "naked": "\U0001F351", "nude": "\U0001F351", "nudes": "\U0001F351",
                "hubad": "\U0001F351", "hubo": "\U0001F351", "dick": "\U0001F346",
                "penis": "\U0001F346", "titi": "\U0001F346", "sexy": "\U0001FAE6"}


def _pictographs(text):
    """Writes each word of _PICTOGRAPHS as its pictograph ("send 💰", "on 📷")."""
    return " ".join(_PICTOGRAPHS.get(w.lower(), w) for w in text.split(" "))

KINDS = {
    # Unicode compatibility forms: NFKC folds them.
    "fullwidth": lambda t: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in t),
    "math_bold": _letters(lambda c: chr(0x1D41A + ord(c) - 97)),
    "circled": _letters(lambda c: chr(0x24D0 + ord(c) - 97)),
    "superscript": _letters(lambda c: _SUPERSCRIPT.get(c, c)),
    # Marks and look-alikes.
    "accents": _words(lambda w: "".join(
        unicodedata.normalize("NFC", c + "\u0301") if c in "aeiou" else c for c in w)),
    "combining_marks": _words(lambda w: "".join(c + "\u0308" if c in "aeiou" else c for c in w)),
    "greek_cyrillic": _words(lambda w: "".join(_GREEK_CYRILLIC.get(c, c) for c in w)),
    "joiners": _words(lambda w: "\u200d".join(w)),
    # Separators and symbols between or for letters.
    "underscores": _words(lambda w: "_".join(w)),
    "double_dots": _words(lambda w: "..".join(w)),
    "slashes": _words(lambda w: "/".join(w)),
    "emoji_between": _words(lambda w: "\u2764".join(w)),
    "hyphen_inside": _words(lambda w: w[:len(w) // 2] + "-" + w[len(w) // 2:]),
    "space_inside": _words(lambda w: w[:len(w) // 2] + " " + w[len(w) // 2:]),
    # Only the lexicon's words that offenders disguise, cut by a space ("pay pal").
    "space_in_terms": _cut_terms,
    "pipe_bang": _words(lambda w: w.replace("l", "|").replace("i", "!")),
    "upper": lambda t: t.upper(),
    # Text-speak: every vowel after a word's first letter left out ("nkd", "stdnt").
    "no_vowels": _words(lambda w: w[0] + "".join(c for c in w[1:] if c not in "aeiou")),
    # Words written as pictographs: money, the camera, body parts.
    "pictographs": _pictographs,
    # Regional indicator symbols (the letters of flag emoji), kept apart by zero-width spaces.
    "regional_indicators": _letters(lambda c: chr(0x1F1E6 + ord(c) - 97) + "\u200b"),
}


def flagged_of(bantay, path):
    out = run_checked([bantay, "scan", "--all", "--threads", "2", "--no-progress", path])
    flagged = {}
    for number, line in enumerate(out.splitlines(), 1):
        r = json.loads(line)
        if not isinstance(r.get("conversation"), str) or not isinstance(r.get("flagged"), bool):
            raise ValueError(f"scan output line {number}: no conversation or flagged")
        flagged[r["conversation"]] = r["flagged"]
    return flagged


def main():
    a, kinds = probe_arguments(__doc__, KINDS, [("--n", 2000), ("--seed", 4242)])
    try:
        with tempfile.TemporaryDirectory() as tmp:
            chats, truth = os.path.join(tmp, "chats.jsonl"), os.path.join(tmp, "truth.jsonl")
            run_checked([a.bantay, "simulate", "chats", "--n", str(a.n), "--seed", str(a.seed),
                 "--obfuscations", "none", "--obfuscation-rate", "0", "--truth", truth,
                 "--out", chats])
            positive = {}
            with open(truth, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    positive[r["conversation"]] = r["positive"]
            with open(chats, encoding="utf-8") as f:
                messages = [json.loads(line) for line in f]
            rows = []
            for kind in ["none"] + kinds:
                path = chats
                if kind != "none":
                    path = os.path.join(tmp, kind + ".jsonl")
                    with open(path, "w", encoding="utf-8") as f:
                        for m in messages:
                            if isinstance(m.get("text"), str):
                                m = dict(m, text=KINDS[kind](m["text"]))
                            f.write(json.dumps(m, ensure_ascii=False) + "\n")
                flagged = flagged_of(a.bantay, path)
                pos = [c for c, v in positive.items() if v]
                neg = [c for c, v in positive.items() if not v]
                rows.append({
                    "kind": kind,
                    "recall": sum(flagged.get(c, False) for c in pos) / max(1, len(pos)),
                    "negatives_flagged": sum(flagged.get(c, False) for c in neg) / max(1, len(neg)),
                    "positives": len(pos), "negatives": len(neg)})
    except (subprocess.CalledProcessError, ValueError, OSError) as e:
        return probe_failed("probe_obfuscations", e)
    if a.json:
        for r in rows:
            print(json.dumps(r))
        return 0
    print(f"{a.n} conversations, seed {a.seed}: {rows[0]['positives']} positive, "
          f"{rows[0]['negatives']} negative")
    print(f"{'kind':22s} {'recall':>7s} {'negatives flagged':>18s}")
    for r in rows:
        print(f"{r['kind']:22s} {r['recall']:7.3f} {r['negatives_flagged']:18.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
