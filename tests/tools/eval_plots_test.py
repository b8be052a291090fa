"""Tests of tools/svgplot.py and the --plot option of tools/eval_scan.py and eval_meta.py.

Run by CTest (tests/CMakeLists.txt) as `python3 -m unittest`; standard library only.
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import eval_meta  # noqa: E402
import eval_scan  # noqa: E402
import svgplot  # noqa: E402

NS = {"s": "http://www.w3.org/2000/svg"}


def rows_of(svg_text):
    root = ET.fromstring(svg_text)
    return root, root.findall("s:g[@class='row']", NS)


def flagged_text(row):
    return [t.text for t in row.findall("s:text", NS) if t.text.startswith("flagged")][0]


class HistogramTest(unittest.TestCase):
    def test_edges_and_clamping(self):
        counts = svgplot.histogram([0.0, 0.039, 0.04, 0.5, 0.999, 1.0, -3, 7], bins=25)
        self.assertEqual(sum(counts), 8)
        self.assertEqual(counts[0], 3)   # 0.0, 0.039 and the clamped -3
        self.assertEqual(counts[1], 1)   # 0.04 starts the second bin
        self.assertEqual(counts[12], 1)  # 0.5
        self.assertEqual(counts[24], 3)  # 0.999, 1.0 and the clamped 7


class ScoreDistributionsTest(unittest.TestCase):
    def test_one_row_per_group_with_bins_rate_and_threshold(self):
        rows = [
            {"label": "paid <show> & co", "kind": "positive", "scores": [0.9, 0.95, 0.1],
             "flagged": 2, "n": 3},
            {"label": "tutoring", "kind": "negative", "scores": [0.0] * 1000, "flagged": 0,
             "n": 1000},
        ]
        root, groups = rows_of(svgplot.score_distributions("t", rows, 0.5, "sub"))
        self.assertEqual([g.get("data-label") for g in groups], ["paid <show> & co", "tutoring"])
        self.assertEqual([g.get("data-kind") for g in groups], ["positive", "negative"])
        # bins drawn: 0.9 and 0.95 share a bin (0.88-0.92 vs 0.92-0.96: two), 0.1 one
        self.assertEqual(len(groups[0].findall("s:rect[@class='bin']", NS)), 3)
        self.assertEqual(len(groups[1].findall("s:rect[@class='bin']", NS)), 1)
        self.assertEqual(flagged_text(groups[0]), "flagged 66.67% of 3")
        self.assertEqual(flagged_text(groups[1]), "flagged 0.00% of 1,000")
        line = root.find("s:line[@class='threshold']", NS)
        self.assertAlmostEqual(float(line.get("x1")), svgplot.LABEL_W + 0.5 * svgplot.PLOT_W)

    def test_long_labels_widen_the_label_column(self):
        label = "loyal_customer on a trip behind a VPN (demand)"
        root, groups = rows_of(svgplot.score_distributions(
            "t", [{"label": label, "kind": "positive", "scores": [0.7], "flagged": 1, "n": 1}],
            0.5))
        text = groups[0].find("s:text", NS)
        right = float(text.get("x"))  # the label ends here (text-anchor end)
        self.assertGreaterEqual(right, svgplot.CHAR_W * len(label))  # so it starts at x >= 0
        line = root.find("s:line[@class='threshold']", NS)
        self.assertGreater(float(line.get("x1")), right + 0.5 * svgplot.PLOT_W)
        self.assertEqual(float(root.get("width")),
                         right + 10 + svgplot.PLOT_W + svgplot.STAT_W)

    def test_empty_group_is_drawn_without_bins(self):
        _, groups = rows_of(svgplot.score_distributions(
            "t", [{"label": "none", "kind": "negative", "scores": [], "flagged": 0, "n": 0}],
            0.3))
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0].findall("s:rect[@class='bin']", NS), [])
        self.assertEqual(flagged_text(groups[0]), "flagged 0.00% of 0")


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


class EvalPlotTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def run_main(self, module, argv):
        with contextlib.redirect_stdout(io.StringIO()):
            return module.main(argv + ["--json"])

    def test_eval_scan_plot_has_positive_families_first_with_their_rates(self):
        write_jsonl(self.path("truth.jsonl"), [
            {"conversation": "a", "positive": True, "family": "paid_show_minor"},
            {"conversation": "b", "positive": True, "family": "paid_show_minor"},
            {"conversation": "c", "positive": False, "family": "adult_cam"},
            {"conversation": "d", "positive": False, "family": "remittance"},
        ])
        write_jsonl(self.path("scan.jsonl"), [
            {"conversation": "a", "flagged": True, "score": 0.97},
            {"conversation": "b", "flagged": False, "score": 0.2},
            {"conversation": "c", "flagged": True, "score": 0.6},
            # d missing from the scan: counted as not flagged, drawn at score 0
        ])
        plot = self.path("scan.svg")
        self.run_main(eval_scan, [self.path("truth.jsonl"), self.path("scan.jsonl"),
                                  "--plot", plot])
        with open(plot, encoding="utf-8") as f:
            _, groups = rows_of(f.read())
        self.assertEqual([g.get("data-label") for g in groups],
                         ["paid_show_minor", "adult_cam", "remittance"])
        self.assertEqual([flagged_text(g) for g in groups],
                         ["flagged 50.00% of 2", "flagged 100.00% of 1", "flagged 0.00% of 1"])
        self.assertEqual(len(groups[2].findall("s:rect[@class='bin']", NS)), 1)

    def test_eval_meta_plot_uses_each_role_score(self):
        write_jsonl(self.path("truth.jsonl"), [
            {"account": "h1", "role": "supply", "population": "hub"},
            {"account": "c1", "role": "demand", "population": "customer"},
            {"account": "t1", "role": "none", "population": "tutor"},
        ])
        write_jsonl(self.path("leads.jsonl"), [
            {"account": "h1", "role": "supply", "flagged": True, "score": 0.9},
            {"account": "h1", "role": "demand", "flagged": False, "score": 0.0},
            {"account": "c1", "role": "demand", "flagged": False, "score": 0.45},
            {"account": "t1", "role": "supply", "flagged": False, "score": 0.1},
            {"account": "t1", "role": "demand", "flagged": False, "score": 0.3},
        ])
        plot = self.path("meta.svg")
        self.run_main(eval_meta, [self.path("truth.jsonl"), self.path("leads.jsonl"),
                                  "--plot", plot, "--threshold", "0.4"])
        with open(plot, encoding="utf-8") as f:
            root, groups = rows_of(f.read())
        labels = {g.get("data-label"): g for g in groups}
        self.assertEqual(set(labels), {"hub (supply)", "customer (demand)", "tutor (none)"})
        self.assertEqual(labels["hub (supply)"].get("data-kind"), "positive")
        self.assertEqual(labels["tutor (none)"].get("data-kind"), "negative")
        # The tutor is drawn at the higher of its two scores (0.3: bin 7 of 25).
        bins = labels["tutor (none)"].findall("s:rect[@class='bin']", NS)
        self.assertEqual(len(bins), 1)
        self.assertAlmostEqual(float(bins[0].get("x")),
                               svgplot.LABEL_W + 7 * svgplot.PLOT_W / svgplot.BINS + 0.5, 1)
        line = root.find("s:line[@class='threshold']", NS)
        self.assertAlmostEqual(float(line.get("x1")), svgplot.LABEL_W + 0.4 * svgplot.PLOT_W)

    def test_unwritable_plot_path_exits_two(self):
        write_jsonl(self.path("truth.jsonl"), [
            {"conversation": "a", "positive": True, "family": "x"}])
        write_jsonl(self.path("scan.jsonl"), [{"conversation": "a", "flagged": True}])
        with contextlib.redirect_stderr(io.StringIO()) as err:
            status = self.run_main(eval_scan, [
                self.path("truth.jsonl"), self.path("scan.jsonl"),
                "--plot", self.path("no/such/dir/plot.svg")])
        self.assertEqual(status, 2)
        self.assertIn("plot.svg", err.getvalue())


if __name__ == "__main__":
    unittest.main()
