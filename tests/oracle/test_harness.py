#!/usr/bin/env python3
"""Unit tests of the oracle harness that need no QEMU:  python3 -m unittest test_harness  (from
this directory) or  python3 tests/oracle/test_harness.py."""

import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import compare  # noqa: E402
import gen_cases  # noqa: E402
import qemu_oracle  # noqa: E402

SEABIOS_LOG = """\
Returned 16646144 bytes of ZoneHigh
e820 map has 9 items:
  0: 0000000000000000 - 000000000009fc00 = 1 RAM
  1: 000000000009fc00 - 00000000000a0000 = 2 RESERVED
  2: 00000000000f0000 - 0000000000100000 = 2 RESERVED
  3: 0000000000100000 - 000000007ffe0000 = 1 RAM
  4: 000000007ffe0000 - 0000000080000000 = 2 RESERVED
  5: 00000000b0000000 - 00000000c0000000 = 2 RESERVED
  6: 00000000fed1c000 - 00000000fed20000 = 2 RESERVED
  7: 00000000fffc0000 - 0000000100000000 = 2 RESERVED
  8: 000000fd00000000 - 0000010000000000 = 2 RESERVED
enter handle_19:
"""

# query-pci of: q35, pcie-root-port rp1 (00:01.0) with pci-testdev,membar=32G behind it,
# virtio-net-pci at 00:03.0 (ROM unmapped)
QUERY_PCI = [{
    "bus": 0,
    "devices": [
        {"bus": 0, "slot": 0, "function": 0, "qdev_id": "", "class_info": {"class": 1536},
         "id": {"vendor": 32902, "device": 10688}, "regions": []},
        {"bus": 0, "slot": 3, "function": 0, "qdev_id": "", "class_info": {"class": 512},
         "id": {"vendor": 6900, "device": 4096},
         "regions": [
             {"bar": 0, "type": "io", "size": 32, "address": 53568},
             {"bar": 1, "type": "memory", "size": 4096, "address": 4272168960,
              "prefetch": False, "mem_type_64": False},
             {"bar": 4, "type": "memory", "size": 16384, "address": 69793218560,
              "prefetch": True, "mem_type_64": True},
             {"bar": 6, "type": "memory", "size": 262144, "address": -1,
              "prefetch": False, "mem_type_64": False}]},
        {"bus": 0, "slot": 1, "function": 0, "qdev_id": "rp1", "class_info": {"class": 1540},
         "id": {"vendor": 6966, "device": 12},
         "regions": [{"bar": 0, "type": "memory", "size": 4096, "address": 4272160768,
                      "prefetch": False, "mem_type_64": False}],
         "pci_bridge": {
             "bus": {"number": 0, "secondary": 1, "subordinate": 1,
                     "io_range": {"base": 49152, "limit": 53247},
                     "memory_range": {"base": 4269801472, "limit": 4271898623},
                     "prefetchable_range": {"base": 34359738368, "limit": 68719476735}},
             "devices": [
                 {"bus": 1, "slot": 0, "function": 0, "qdev_id": "gpu0",
                  "class_info": {"class": 255}, "id": {"vendor": 6966, "device": 5},
                  "regions": [
                      {"bar": 0, "type": "memory", "size": 4096, "address": 4269801472,
                       "prefetch": False, "mem_type_64": False},
                      {"bar": 1, "type": "io", "size": 256, "address": 49152},
                      {"bar": 2, "type": "memory", "size": 34359738368,
                       "address": 34359738368, "prefetch": True, "mem_type_64": True}]}]}},
    ]}]


class OracleParsing(unittest.TestCase):
    def test_e820(self):
        e = qemu_oracle.parse_e820(SEABIOS_LOG)
        self.assertEqual(len(e), 9)
        self.assertEqual(e[0], {"start": "0x0", "size": 0x9fc00, "type": "ram"})
        self.assertEqual(e[3], {"start": "0x100000", "size": 0x7fee0000, "type": "ram"})
        self.assertEqual(e[8], {"start": "0xfd00000000", "size": 0x300000000,
                                "type": "reserved"})

    def test_e820_incomplete(self):
        cut = SEABIOS_LOG.split("  5:")[0]
        self.assertIsNone(qemu_oracle.parse_e820(cut))
        self.assertIsNone(qemu_oracle.parse_e820("no table here\n"))

    def test_panic(self):
        self.assertEqual(qemu_oracle.find_panic("a\nPCI: out of 32bit address space\n"),
                         "PCI: out of 32bit address space")
        self.assertIsNone(qemu_oracle.find_panic(SEABIOS_LOG))

    def test_error_message(self):
        self.assertEqual(qemu_oracle.qemu_error_message(
            "qemu-system-x86_64: Address space limit 0x7ffffffff < 0x8ffffffff phys-bits too "
            "low (35)\n"), "Address space limit 0x7ffffffff < 0x8ffffffff phys-bits too low (35)")
        self.assertEqual(qemu_oracle.qemu_error_message(
            "qemu-system-x86_64: warning: nic e1000.0 has no peer\n"
            "qemu-system-x86_64: -device x,bus=y: Bus 'y' not found\n"),
            "-device x,bus=y: Bus 'y' not found")

    def test_normalize(self):
        f = qemu_oracle.normalize_pci(QUERY_PCI)
        self.assertEqual([x["bdf"] for x in f], ["00:00.0", "00:01.0", "00:03.0", "01:00.0"])
        rp = f[1]
        self.assertEqual(rp["id"], "rp1")
        self.assertEqual(rp["class"], "0x0604")
        self.assertEqual(rp["device_id"], "0x000c")
        self.assertEqual(rp["bridge"], {
            "secondary_bus": 1, "subordinate_bus": 1,
            "io": {"base": "0xc000", "limit": "0xcfff"},
            "memory": {"base": "0xfe800000", "limit": "0xfe9fffff"},
            "prefetchable": {"base": "0x800000000", "limit": "0xfffffffff"}})
        net = f[2]
        self.assertIsNone(net["id"])
        self.assertEqual(net["bars"][0], {"index": 0, "kind": "io", "size": 32,
                                          "address": "0xd140", "decoding": True})
        self.assertEqual(net["bars"][2]["bits"], 64)
        self.assertTrue(net["bars"][2]["prefetchable"])
        self.assertEqual(net["bars"][3], {"index": 6, "kind": "rom", "bits": 32,
                                          "prefetchable": False, "size": 262144,
                                          "address": None, "decoding": False})
        self.assertEqual(f[3]["bars"][2]["address"], "0x800000000")
        self.assertEqual(f[3]["id"], "gpu0")


def _observed():
    return {"outcome": "ok", "error": None, "e820": qemu_oracle.parse_e820(SEABIOS_LOG),
            "functions": qemu_oracle.normalize_pci(QUERY_PCI)}


class Compare(unittest.TestCase):
    def test_identical(self):
        self.assertEqual(compare.compare(_observed(), _observed()), [])

    def test_bar_address(self):
        exp = _observed()
        exp["functions"][3]["bars"][2]["address"] = "0x1000000000"
        self.assertEqual(compare.compare(exp, _observed()),
                         ["01:00.0 BAR2 address: predicted 0x1000000000, QEMU 0x800000000"])

    def test_rom_only_size(self):
        exp = _observed()
        rom = exp["functions"][2]["bars"][3]
        rom["address"], rom["decoding"] = "0xfeb80000", False
        self.assertEqual(compare.compare(exp, _observed()), [])
        rom["size"] = 65536
        self.assertEqual(compare.compare(exp, _observed()),
                         ["00:03.0 BAR6 size: predicted 0x10000, QEMU 0x40000"])

    def test_not_decoding_expects_unmapped(self):
        exp = _observed()
        exp["functions"][3]["bars"][2]["decoding"] = False
        self.assertEqual(compare.compare(exp, _observed()),
                         ["01:00.0 BAR2 address: predicted unmapped, QEMU 0x800000000"])

    def test_integer_and_string_forms(self):
        exp = _observed()
        exp["functions"][3]["bars"][2]["address"] = 0x800000000
        exp["e820"][0]["start"] = 0
        self.assertEqual(compare.compare(exp, _observed()), [])

    def test_window_e820_bdf(self):
        exp = _observed()
        exp["functions"][1]["bridge"]["prefetchable"]["limit"] = "0x17fffffff"
        exp["e820"][4]["size"] = 0x10000
        del exp["functions"][2]
        d = compare.compare(exp, _observed())
        self.assertIn("00:01.0 prefetchable window limit: predicted 0x17fffffff, "
                      "QEMU 0xfffffffff", d)
        self.assertIn("00:03.0: not predicted (QEMU has 0x1af4:0x1000 class 0x0200 id none)", d)
        self.assertTrue(any(x.startswith("e820[4]:") for x in d))

    def test_ovmf_no_e820(self):
        obs = _observed()
        obs["e820"] = None
        exp = _observed()
        exp["e820"] = []
        self.assertEqual(compare.compare(exp, obs), [])

    def test_refused(self):
        obs = {"outcome": "refused", "functions": [], "e820": None,
               "error": {"source": "qemu", "message": "Address space limit 0x7ffffffff < "
                                                      "0x8ffffffff phys-bits too low (35)"}}
        exp = copy.deepcopy(obs)
        exp["functions"] = [{"bdf": "00:00.0"}]
        self.assertEqual(compare.compare(exp, obs), [])
        exp["error"]["message"] = "Address space limit 0x7ffffffff < 0x9ffffffff phys-bits too " \
                                  "low (35)"
        self.assertEqual(len(compare.compare(exp, obs)), 1)
        self.assertTrue(compare.compare(_observed(), obs)[0].startswith(
            "outcome: predicted ok, QEMU refused"))

    def test_firmware_failed_skips_addresses(self):
        obs = _observed()
        obs["outcome"] = "firmware-failed"
        obs["error"] = {"source": "firmware", "message": "PCI: out of 32bit address space"}
        exp = copy.deepcopy(obs)
        exp["functions"][3]["bars"][2]["address"] = "0x1000000000"
        exp["functions"][1]["bridge"]["memory"]["base"] = "0x0"
        self.assertEqual(compare.compare(exp, obs), [])
        exp["functions"][3]["bars"][2]["size"] = 1
        self.assertEqual(len(compare.compare(exp, obs)), 1)

    def test_harness_outcomes_fail(self):
        obs = {"outcome": "timeout", "error": {"source": "oracle", "message": "slow"}}
        self.assertEqual(compare.compare(_observed(), obs), ["oracle timeout: slow"])


class Generator(unittest.TestCase):
    def test_deterministic(self):
        for s in (0, 1, 12345, 700003):
            self.assertEqual(gen_cases.generate(s), gen_cases.generate(s))
            self.assertEqual(gen_cases.generate(s, "ovmf"), gen_cases.generate(s, "ovmf"))

    def test_max_used_gpa(self):
        # messages QEMU 7.2 printed here (firmware-research.md 1.3)
        G = gen_cases.GiB
        self.assertEqual(gen_cases.max_used_gpa(True, 2 * G, 2 * G, 0, 32 * G, True, True),
                         0x8ffffffff)
        self.assertEqual(gen_cases.max_used_gpa(True, G, 1000 * G, 1, 32 * G, True, True),
                         0x201ffffffff)
        self.assertEqual(gen_cases.max_used_gpa(True, G, 1000 * G, 1, 32 * G, False, True),
                         0x102ffffffff)
        self.assertEqual(gen_cases.max_used_gpa(False, G, 1100 * G, 4, 2 * G, True, True),
                         0x2143fffffff)

    def test_refusal_fraction(self):
        n = sum(gen_cases.generate_case(s)["intent"] == "refuse" for s in range(2000))
        self.assertTrue(40 <= n <= 200, n)


if __name__ == "__main__":
    unittest.main()
