#!/usr/bin/env python3
"""Unit tests of the pseries oracle's parsing, comparison and generator (no QEMU needed)."""

from __future__ import annotations

import copy
import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pseries_oracle as po  # noqa: E402
import sweep_pseries as sw  # noqa: E402

# What SLOF printed at its prompt for `-device virtio-net-pci -device pci-testdev,membar=64M` (QEMU 7.2).
SCAN = """
FN 0 10001af4 2000000 0 100 21 ffffffe1 80000000 fffff000 0 0 0 0 c ffffc00c 2100 ffffffff 80040001 fffc0001 
FN 800 51b36 ff0000 0 100 80080000 fffff000 101 ffffff01 400000c fc00000c 2100 ffffffff 0 0 0 0 0 0 
"""
RANGES = [0x1000000, 0, 0, 0x2000, 0, 0, 0x10000,
          0x2000000, 0, 0x80000000, 0x2000, 0x80000000, 0, 0x80000000,
          0x3000000, 0x2100, 0, 0x2100, 0, 0x100, 0]


class Parsing(unittest.TestCase):
    def test_scan(self):
        f = po.parse_scan(SCAN)
        self.assertEqual([x["slot"] for x in f], ["00.0", "01.0"])
        self.assertEqual((f[0]["vendor_id"], f[0]["device_id"], f[0]["class"]), ("0x1af4", "0x1000", "0x20000"))
        bars = {b["index"]: b for b in f[0]["bars"]}
        self.assertEqual(bars[0], {"index": 0, "kind": "io", "size": 32, "programmed": "0x20"})
        self.assertEqual(bars[4], {"index": 4, "kind": "mem64 pref", "size": 16384, "programmed": "0x210000000000"})
        self.assertEqual(bars[6], {"index": 6, "kind": "rom", "size": 262144, "programmed": "0x80040000"})
        self.assertNotIn(5, bars)   # the upper half of BAR4
        t = {b["index"]: b for b in f[1]["bars"]}
        self.assertEqual(t[2]["size"], 64 << 20)
        self.assertEqual(t[2]["programmed"], "0x210004000000")
        self.assertEqual(t[1]["kind"], "io")
        self.assertNotIn(6, t)      # no ROM: its sizing read 0

    def test_bridge(self):
        """A pci-bridge on bus 0 (SLOF's values read at its prompt) and a function behind it on bus 1."""
        f = po.parse_scan("FN 0 11b36 6040000 10000 100 80500004 ffffff04 0 ffffffff 20100 ffffffff "
                          "3f31 ffffffff 804f8000 ffffffff fff10001 ffffffff 0 0 \n", 0)[0]
        self.assertEqual(f["header_type"], 1)
        self.assertEqual(f["bars"], [{"index": 0, "kind": "mem64", "size": 256, "programmed": "0x80500000"}])
        b = f["bridge"]
        self.assertEqual((b["secondary"], b["subordinate"]), (1, 2))
        self.assertEqual(b["io"], {"base": "0x3000", "limit": "0x3fff"})
        self.assertEqual(b["mem"], {"base": "0x80000000", "limit": "0x804fffff"})
        po.add_pref_upper(b, 0x2100, 0x2102)
        self.assertEqual(b["pref"], {"base": "0x210000000000", "limit": "0x2102ffffffff"})
        closed = dict(f["bridge"], pref={"base": "0x100000", "limit": "0xfffff"})
        po.add_pref_upper(closed, 0, 0)
        self.assertIsNone(closed["pref"])
        g = po.parse_scan(SCAN, 1)
        self.assertEqual([x["slot"] for x in g], ["01:00.0", "01:01.0"])

    def test_ranges(self):
        w = po.parse_ranges(RANGES)
        self.assertEqual(w["io"], {"start": "0x200000000000", "end": "0x20000000ffff", "pci_address": "0x0"})
        self.assertEqual(w["mem32"]["start"], "0x200080000000")
        self.assertEqual(w["mem32"]["pci_address"], "0x80000000")
        self.assertEqual(w["mem64"]["end"], "0x21ffffffffff")
        self.assertIsNone(po.parse_ranges(RANGES[:14])["mem64"])

    def test_query_pci_match_and_check(self):
        phbs = [{"index": 0, "functions": po.parse_scan(SCAN)}]
        q = [{"bus": 0, "devices": [
            {"bus": 0, "slot": 0, "function": 0, "id": {"vendor": 0x1AF4, "device": 0x1000}, "qdev_id": "n0",
             "regions": [{"bar": 4, "address": 0x210000000000, "size": 16384}]},
            {"bus": 0, "slot": 1, "function": 0, "id": {"vendor": 0x1B36, "device": 5}, "qdev_id": "",
             "regions": [{"bar": 2, "address": 0xFFFFFFFFFFFFFFFF, "size": 64 << 20}]}]}]
        self.assertEqual(po.attach_query_pci(copy.deepcopy(phbs), q), [])
        q[0]["devices"][0]["regions"][0]["address"] = 0x210000010000
        self.assertIn("QEMU maps 0x210000010000", po.attach_query_pci(copy.deepcopy(phbs), q)[0])
        q[0]["devices"][1]["id"]["device"] = 6
        self.assertIn("matches no PHB", po.attach_query_pci(copy.deepcopy(phbs), q)[0])


def observation():
    phb = {"index": 0, "buid": "0x800000020000000", **po.parse_ranges(RANGES), "functions": po.parse_scan(SCAN)}
    return {"outcome": "ok", "error": None, "phbs": [phb], "oracle": {}}


def prediction(obs):
    p = {"schema": "aperture-pseries-plan/1", "outcome": "ok", "phbs": []}
    for o in obs["phbs"]:
        p["phbs"].append({"index": o["index"], "buid": o["buid"], "io": o["io"], "mem32": o["mem32"],
                          "mem64": o["mem64"], "functions": [
                              {"slot": f["slot"], "driver": {"0x1000": "virtio-net-pci"}.get(f["device_id"], "pci-testdev"),
                               "bars": [dict(b) for b in f["bars"]]} for f in o["functions"]]})
    return p


def prediction_v2(obs):
    """The same prediction as aperture-pseries-plan/2 writes it (integers, "_hex" twins, base/last, kind and
    prefetchable apart)."""
    def window(w):
        if w is None:
            return None
        base, last, pci = (int(w[k], 16) for k in ("start", "end", "pci_address"))
        return {"base": base, "base_hex": w["start"], "size": last - base + 1, "last": last, "last_hex": w["end"],
                "pci_base": pci, "pci_base_hex": w["pci_address"]}

    def bar(b):
        kind, _, pref = b["kind"].partition(" ")
        return {"index": b["index"], "kind": kind, "prefetchable": pref == "pref", "size": b["size"], "base": None,
                "base_hex": None, "programmed": int(b["programmed"], 16), "programmed_hex": b["programmed"]}
    p = prediction(obs)
    p.update(schema="aperture-pseries-plan/2", outcome="works", failed=False, error=None)
    for phb in p["phbs"]:
        for w in ("io", "mem32", "mem64"):
            phb[w] = window(phb[w])
        for f in phb["functions"]:
            f["bars"] = [bar(b) for b in f["bars"]]
    return p


class Compare(unittest.TestCase):
    def test_equal_agrees(self):
        o = observation()
        self.assertEqual(sw.compare(prediction(o), o), [])

    def test_a_version_2_prediction_is_read_in_the_observation_names(self):
        o = observation()
        self.assertEqual(sw.compare(prediction_v2(o), o), [])
        p = prediction_v2(o)
        p["phbs"][0]["functions"][1]["bars"][2]["programmed_hex"] = "0x210008000000"
        self.assertIn("PHB 0 01.0 BAR2 programmed: predicted 0x210008000000, QEMU 0x210004000000", sw.compare(p, o))

    def test_each_difference_is_named(self):
        o = observation()
        p = prediction(o)
        p["phbs"][0]["functions"][1]["bars"][2]["programmed"] = "0x210008000000"
        p["phbs"][0]["mem64"] = None
        p["phbs"][0]["functions"][0]["driver"] = "e1000"
        d = sw.compare(p, o)
        self.assertIn("PHB 0 01.0 BAR2 programmed: predicted 0x210008000000, QEMU 0x210004000000", d)
        self.assertTrue(any(x.startswith("PHB 0 mem64 window") for x in d))
        self.assertTrue(any("predicted e1000, QEMU has 0x1af4:0x1000" in x for x in d))

    def test_bridge_windows_and_bus_numbers_are_compared(self):
        o = observation()
        br = {"slot": "02.0", "vendor_id": "0x1b36", "device_id": "0x1", "bars": [],
              "bridge": {"secondary": 1, "subordinate": 1, "io": {"base": "0x1000", "limit": "0x1fff"},
                         "mem": {"base": "0x80000000", "limit": "0x801fffff"},
                         "pref": {"base": "0x210000000000", "limit": "0x2101ffffffff"}}}
        o["phbs"][0]["functions"].append(br)
        p = prediction(o)
        p["phbs"][0]["functions"][-1]["driver"] = "pci-bridge"
        p["phbs"][0]["functions"][-1]["bridge"] = copy.deepcopy(br["bridge"])
        self.assertEqual(sw.compare(p, o), [])
        p["phbs"][0]["functions"][-1]["bridge"]["mem"]["limit"] = "0x800fffff"
        p["phbs"][0]["functions"][-1]["bridge"]["subordinate"] = 2
        d = sw.compare(p, o)
        self.assertEqual(len(d), 2)
        self.assertTrue(d[0].startswith("PHB 0 02.0 bridge subordinate: predicted 2, QEMU 1"))
        del p["phbs"][0]["functions"][-1]["bridge"]
        self.assertTrue(any("bridge io: predicted None" in x for x in sw.compare(p, o)))

    def test_nvme_ids_follow_the_machine_type(self):
        o = observation()
        o["phbs"][0]["functions"][0].update(vendor_id="0x8086", device_id="0x5845")
        p = prediction(o)
        p["phbs"][0]["functions"][0]["driver"] = "nvme"
        self.assertEqual(sw.compare(p, o, (5, 1)), [])
        self.assertTrue(any("predicted nvme, QEMU has 0x8086:0x5845" in x for x in sw.compare(p, o, (5, 2))))
        self.assertEqual(sw.machine_version(["-machine", "pseries-2.11,cap-htm=off"]), (2, 11))
        self.assertEqual(sw.machine_version(["-m", "2G"]), (7, 2))

    def test_qemu_refuses_from_the_reader_is_a_predicted_refusal(self):
        refused = {"outcome": "refused", "error": {"source": "qemu", "message": "Duplicate ID 'p' for device"}, "phbs": []}
        answer = {"schema": "aperture-error/1", "error": {"code": "qemu-refuses", "message": "argument 8: Duplicate ID 'p' for device"}}
        with mock.patch.object(sw, "run_aperture", return_value=(answer, "")):
            self.assertEqual(sw.judge("aperture", ["-m", "1G"], refused)[0], "PASS")
            self.assertEqual(sw.judge("aperture", ["-m", "1G"], observation())[0], "FAIL")
        bad = {"schema": "aperture-error/1", "error": {"code": "bad-input", "message": "argument 3: nonsense"}}
        with mock.patch.object(sw, "run_aperture", return_value=(bad, "")):
            self.assertEqual(sw.judge("aperture", ["-m", "1G"], refused)[0], "FAIL")

    def test_outcomes(self):
        o = observation()
        refused = {"outcome": "refused", "error": {"source": "qemu", "message": "x"}, "phbs": []}
        self.assertEqual(sw.compare({"outcome": "refused"}, refused), [])
        self.assertTrue(sw.compare(prediction(o), refused)[0].startswith("outcome: predicted ok"))
        self.assertTrue(sw.compare(prediction(o), {"outcome": "timeout", "error": None})[0].startswith("oracle timeout"))


class Generator(unittest.TestCase):
    def test_deterministic_and_tcg_safe(self):
        for i in range(200):
            a = sw.generate_case(sw.case_seed(7, i))
            self.assertEqual(a, sw.generate_case(sw.case_seed(7, i)))
            machine = a[a.index("-machine") + 1]
            self.assertEqual(machine.split(",")[0] in sw.HTM_ON_MACHINES, machine.endswith(",cap-htm=off"))
            self.assertIn("-nodefaults", a)
            self.assertNotIn("pci-bridge", " ".join(a))


class Bridges(unittest.TestCase):
    def test_bridge_stream_leaves_the_case_otherwise_alone(self):
        with_bridge = 0
        for i in range(100):
            plain = sw.generate_case(sw.case_seed(3, i))
            br = sw.generate_case(sw.case_seed(3, i), bridges=True)
            if "pci-bridge,id=br0,chassis_nr=1" not in " ".join(br):
                self.assertEqual(plain, br)
                continue
            with_bridge += 1
            bi = br.index(next(x for x in br if x.startswith("pci-bridge,")))
            users = [k for k, x in enumerate(br) if "bus=br0" in x]
            self.assertTrue(all(k > bi for k in users))     # the bridge comes first on the command line
            strip = lambda a: [",".join(p for p in x.split(",") if not p.startswith(("bus=", "addr="))) for x in a]
            self.assertEqual(strip(plain), strip(br[:bi - 1] + br[bi + 1:]))
        self.assertTrue(20 < with_bridge < 80)


class Replay(unittest.TestCase):
    def test_known_list_must_be_exact(self):
        """A fake aperture that answers a fixed plan: the replay passes, --known turns an agreeing case into
        a failure (the list went stale), and a listed case missing from the recording is an error."""
        o = observation()
        with tempfile.TemporaryDirectory() as d:
            plan = os.path.join(d, "plan.json")
            with open(plan, "w") as f:
                json.dump(prediction(o), f)
            fake = os.path.join(d, "aperture")
            with open(fake, "w") as f:
                f.write(f"#!/bin/sh\ncat {plan}\n")
            os.chmod(fake, 0o755)
            rec = os.path.join(d, "r.jsonl.gz")
            with gzip.open(rec, "wt") as f:
                f.write(json.dumps({"case": 0, "case_seed": 0, "args": ["-M", "pseries"], "observation": o}) + "\n")
            run = lambda *x: subprocess.run([sys.executable, os.path.join(HERE, "sweep_pseries.py"), "--aperture",
                                             fake, "--replay", rec, *x], capture_output=True, text=True)
            r = run()
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("1 passed, 0 failed", r.stdout)
            known = os.path.join(d, "known.json")
            with open(known, "w") as f:
                json.dump({"case 0": "why"}, f)
            r = run("--known", known)
            self.assertEqual(r.returncode, 1)
            self.assertIn("update the list", r.stdout)
            with open(known, "w") as f:
                json.dump({"case 9": "why"}, f)
            r = run("--known", known)
            self.assertEqual(r.returncode, 2)
            self.assertIn("case 9 not in", r.stderr)


if __name__ == "__main__":
    unittest.main()
