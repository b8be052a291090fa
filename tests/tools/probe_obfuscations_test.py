"""Tests of tools/probe_obfuscations.py: each rewrite does what its name says, and an
end-to-end probe with the bantay binary (BANTAY in the environment, set by CTest).

Run by CTest (tests/CMakeLists.txt) as `python3 -m unittest`; standard library only.
"""

import contextlib
import io
import json
import os
import sys
import unicodedata
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import probe_obfuscations as probe  # noqa: E402

TEXT = "send the money for a private cam show via paypal or western union, i am 12"


class Rewrites(unittest.TestCase):
    def test_every_kind_changes_the_long_words_only_where_it_says(self):
        for kind, rewrite in probe.KINDS.items():
            out = rewrite(TEXT)
            self.assertNotEqual(out, TEXT, kind)
            if kind not in ("fullwidth", "upper", "math_bold", "circled", "superscript",
                            "regional_indicators"):
                # Word rewrites leave short words ("the", "via", "i", "am", "12") alone.
                self.assertIn(" the ", out, kind)
                self.assertTrue(out.endswith("i am 12"), kind)

    def test_compatibility_forms_fold_back_with_nfkc(self):
        for kind in ("fullwidth", "math_bold", "circled"):
            out = probe.KINDS[kind](TEXT)
            self.assertEqual(unicodedata.normalize("NFKC", out), TEXT, kind)

    def test_separators_come_out_again(self):
        for kind, sep in (("underscores", "_"), ("double_dots", ".."), ("slashes", "/"),
                          ("joiners", "\u200d"), ("emoji_between", "\u2764")):
            self.assertEqual(probe.KINDS[kind](TEXT).replace(sep, ""), TEXT, kind)
        hyphened = probe.KINDS["hyphen_inside"](TEXT)
        self.assertIn("pri-vate", hyphened)
        self.assertEqual(hyphened.replace("-", ""), TEXT)
        self.assertIn("pri vate", probe.KINDS["space_inside"](TEXT))
        # Only the lexicon's disguised words: "western" is a payment word, "send" none.
        self.assertEqual(probe.KINDS["space_in_terms"]("send via paypal"), "send via pay pal")
        # Words written as a pictograph, the others left.
        self.assertEqual(probe.KINDS["pictographs"]("send Money on cam now"),
                         "send \U0001F4B0 on \U0001F4F7 now")

    def test_regional_indicators_are_the_letters(self):
        out = probe.KINDS["regional_indicators"]("pay")
        self.assertEqual(out, "\U0001F1F5\u200b\U0001F1E6\u200b\U0001F1FE\u200b")


@unittest.skipUnless(os.environ.get("BANTAY"), "BANTAY (the bantay binary) not set")
class EndToEnd(unittest.TestCase):
    def test_probe_reports_each_kind_and_nfkc_forms_lose_nothing(self):
        argv = sys.argv
        out = io.StringIO()
        try:
            sys.argv = ["probe", "--bantay", os.environ["BANTAY"], "--n", "300", "--seed", "7",
                        "--kinds", "fullwidth,hyphen_inside", "--json"]
            with contextlib.redirect_stdout(out):
                self.assertEqual(probe.main(), 0)
        finally:
            sys.argv = argv
        rows = {r["kind"]: r for r in map(json.loads, out.getvalue().splitlines())}
        self.assertEqual(sorted(rows), ["fullwidth", "hyphen_inside", "none"])
        self.assertGreater(rows["none"]["positives"], 30)
        self.assertGreater(rows["none"]["recall"], 0.9)
        self.assertEqual(rows["none"]["negatives_flagged"], 0)
        # Full-width letters are the same words after NFKC: nothing may change.
        self.assertEqual(rows["fullwidth"]["recall"], rows["none"]["recall"])
        self.assertEqual(rows["fullwidth"]["negatives_flagged"], 0)

    def test_a_failing_binary_gives_status_2(self):
        argv = sys.argv
        err = io.StringIO()
        try:
            sys.argv = ["probe", "--bantay", "/bin/false", "--n", "10"]
            with contextlib.redirect_stderr(err):
                self.assertEqual(probe.main(), 2)
        finally:
            sys.argv = argv


if __name__ == "__main__":
    unittest.main()
