"""Tests of tools/probe_meta.py: each rewrite of the call records does what its name says, and
an end-to-end probe with the bantay binary (BANTAY in the environment, set by CTest) in which
rewrites that change only how the calls are written change no number.

Run by CTest (tests/CMakeLists.txt) as `python3 -m unittest`; standard library only.
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import probe_meta as probe  # noqa: E402


def row(call_id, start, duration, media="video", caller="u1", callee="u2"):
    return {"call_id": call_id, "start": start, "duration_s": str(duration), "caller": caller,
            "callee": callee, "media": media, "caller_ip": "1.37.0.1", "callee_ip": "8.8.8.8",
            "caller_country": "PH", "callee_country": "US", "caller_region": "PH-07",
            "callee_region": ""}


ROWS = [row("c1", "2026-03-01T23:30:00Z", 3600), row("c2", "2026-03-02T00:00:00Z", 61, "audio"),
        row("c3", "2026-03-02T00:10:00Z", 60), row("c2", "2026-03-02T00:00:00Z", 61, "audio")]


def rewrite(kind, populations=None):
    return list(probe.REWRITES[kind][0](ROWS, populations or {}))


def instant(text):
    if text.isdigit():
        return datetime.fromtimestamp(int(text)).timestamp()
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Rewrites(unittest.TestCase):
    def test_times_move_to_another_notation_not_another_instant(self):
        for kind in ("manila_offsets", "epoch_seconds"):
            out = rewrite(kind)
            self.assertNotEqual([r["start"] for r in out], [r["start"] for r in ROWS], kind)
            self.assertEqual([instant(r["start"]) for r in out],
                             [instant(r["start"]) for r in ROWS], kind)
        self.assertTrue(rewrite("manila_offsets")[0]["start"].endswith("+08:00"))
        self.assertEqual(rewrite("manila_offsets")[0]["start"], "2026-03-02T07:30:00+08:00")

    def test_opaque_ids_are_stable_hex_digests(self):
        out = rewrite("opaque_ids")
        self.assertEqual(out[0]["caller"], probe.opaque_id("u1"))
        self.assertEqual(len(out[0]["callee"]), 64)
        self.assertNotEqual(out[0]["caller"], out[0]["callee"])
        self.assertEqual(out[1]["caller"], out[0]["caller"])

    def test_end_order_sorts_by_the_end_of_each_call(self):
        out = rewrite("end_order")
        self.assertEqual([r["call_id"] for r in out], ["c2", "c2", "c3", "c1"])

    def test_fewer_and_coarser_calls(self):
        self.assertEqual([r["call_id"] for r in rewrite("video_only")], ["c1", "c3"])
        self.assertEqual([r["duration_s"] for r in rewrite("whole_minutes")],
                         ["3600", "120", "60", "120"])
        for r in rewrite("ip_only"):
            self.assertEqual(r["caller_country"] + r["callee_region"], "")
            self.assertEqual(r["caller_ip"], "1.37.0.1")
        many = [row(f"c{i}", "2026-03-01T00:00:00Z", 60) for i in range(2000)]
        kept = list(probe.REWRITES["sampled_half"][0](many + many[:100], {}))
        ids = [r["call_id"] for r in kept]
        self.assertLess(abs(len(set(ids)) - 1000), 100)
        # A duplicate record shares its call's fate.
        self.assertEqual(len(ids) - len(set(ids)), len({f"c{i}" for i in range(100)} & set(ids)))

    def test_call_centres_take_some_audio_calls_on_video(self):
        many = [row(f"c{i}", "2026-03-01T00:00:00Z", 60, "audio", caller=f"u{i % 2}")
                for i in range(2000)]
        out = list(probe.REWRITES["centre_video_most"][0](many, {"u1": "call_centre"}))
        video = [r for r in out if r["media"] == "video"]
        self.assertTrue(all(r["caller"] == "u1" for r in video))  # the agent's calls only
        self.assertLess(abs(len(video) - 600), 80)
        self.assertEqual([r["call_id"] for r in out], [r["call_id"] for r in many])

    def test_tutors_lessons_move_by_whole_hours_and_stay_in_start_order(self):
        many = [row(f"c{i}", "2026-03-10T00:00:00Z", 1500, caller=f"u{i % 2}")
                for i in range(200)]
        out = list(probe.REWRITES["tutor_off_schedule"][0](many, {"u1": "tutor"}))
        self.assertEqual(sorted(r["call_id"] for r in out), sorted(r["call_id"] for r in many))
        moves = {r["caller"]: set() for r in out}
        for r in out:
            moves[r["caller"]].add(instant(r["start"]) - instant("2026-03-10T00:00:00Z"))
        self.assertEqual(moves["u0"], {0})  # not a tutor's call
        self.assertGreater(len(moves["u1"]), 20)
        self.assertTrue(all(m % 3600 == 0 and abs(m) <= 72 * 3600 for m in moves["u1"]))
        starts = [instant(r["start"]) for r in out]
        self.assertEqual(starts, sorted(starts))

    def test_hubs_shows_all_last_twenty_minutes(self):
        out = rewrite("hub_shows_one_length", {"u2": "hub"})
        self.assertEqual([r["duration_s"] for r in out], ["1200"] * 4)
        self.assertEqual(rewrite("hub_shows_one_length"), ROWS)

    def test_jsonl_has_numbers_and_no_empty_columns(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "calls.jsonl")
            probe.write_rows(ROWS[:1], path, "jsonl")
            with open(path, encoding="utf-8") as f:
                r = json.loads(f.readline())
        self.assertEqual(r["duration_s"], 3600)
        self.assertNotIn("callee_region", r)
        self.assertEqual(r["caller_region"], "PH-07")


@unittest.skipUnless(os.environ.get("BANTAY"), "BANTAY (the bantay binary) not set")
class EndToEnd(unittest.TestCase):
    def probe(self, *args):
        argv = sys.argv
        out = io.StringIO()
        try:
            sys.argv = ["probe_meta", "--bantay", os.environ["BANTAY"], *args]
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                status = probe.main()
        finally:
            sys.argv = argv
        return status, out.getvalue()

    def test_notation_changes_change_no_number(self):
        status, out = self.probe("--accounts", "8000", "--days", "14", "--seed", "11", "--json",
                                 "--kinds", "jsonl,manila_offsets,epoch_seconds,opaque_ids")
        self.assertEqual(status, 0)
        rows = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([r["kind"] for r in rows],
                         ["base", "jsonl", "manila_offsets", "epoch_seconds", "opaque_ids"])
        base = rows[0]
        self.assertGreater(base["supply_f1"], 0.8)
        for r in rows[1:]:
            for key in ("supply_f1", "demand_f1", "worst_rate"):
                self.assertEqual(r[key], base[key], (r["kind"], key))

    def test_a_failing_binary_gives_status_2(self):
        argv = sys.argv
        try:
            sys.argv = ["probe_meta", "--bantay", "/bin/false", "--accounts", "1000"]
            with contextlib.redirect_stderr(io.StringIO()):
                self.assertEqual(probe.main(), 2)
        finally:
            sys.argv = argv


if __name__ == "__main__":
    unittest.main()
