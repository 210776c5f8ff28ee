#!/usr/bin/env python3
"""Unit tests of the oracle harness that need no QEMU:  python3 -m unittest test_harness  (from
this directory) or  python3 tests/oracle/test_harness.py."""

import contextlib
import copy
import gzip
import io
import hashlib
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import compare  # noqa: E402
import gen_cases  # noqa: E402
import qemu_oracle  # noqa: E402
import stacks  # noqa: E402
import sweep  # noqa: E402

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
        # an unpacked stack falling back to the system's modules (QEMU 10.0 without qemu-system-gui)
        self.assertEqual(qemu_oracle.qemu_error_message(
            "failed to initialize module: /usr/lib/x86_64-linux-gnu/qemu/ui-opengl.so\n"
            "Only modules from the same build can be loaded.\n"
            "qemu-system-x86_64: Address space limit 0x1ffffffff < 0x2bfffffff phys-bits too low "
            "(33)\n"), "Address space limit 0x1ffffffff < 0x2bfffffff phys-bits too low (33)")

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


    def test_address_above_2_63_is_mapped(self):
        # QMP prints addresses as int64: only -1 means unmapped.
        bar = qemu_oracle._bar({"bar": 2, "type": "memory", "size": 1 << 26, "mem_type_64": True, "prefetch": True,
                                "address": 0xFFFFFFFFC0000000 - (1 << 64)})
        self.assertEqual(bar["address"], "0xffffffffc0000000")
        self.assertTrue(bar["decoding"])
        self.assertFalse(qemu_oracle._bar({"bar": 0, "type": "memory", "size": 4096, "address": -1})["decoding"])


def _observed():
    return {"outcome": "ok", "error": None, "e820": qemu_oracle.parse_e820(SEABIOS_LOG),
            "functions": qemu_oracle.normalize_pci(QUERY_PCI)}


def _as_plan2(obs):
    """An observation written the way aperture-plan/2 writes a prediction: integers with "_hex" twins,
    ranges as base/size/last, "pci_address" with the domain, BAR kinds with their width."""
    def addr(v):
        return int(v, 16) if isinstance(v, str) else v

    def bar(b):
        kind = b["kind"] if b["kind"] != "mem" else "mem%d" % b["bits"]
        base = addr(b["address"])
        return {"index": b["index"], "kind": kind, "prefetchable": bool(b.get("prefetchable")), "size": b["size"],
                "base": base, "base_hex": b["address"], "decoding": b["decoding"]}

    def window(w):
        base, last = addr(w["base"]), addr(w["limit"])
        return {"base": base, "base_hex": w["base"], "size": last - base + 1 if base <= last else 0,
                "last": last, "last_hex": w["limit"], "open": base <= last}
    doc = copy.deepcopy(obs)
    doc.update(schema="aperture-plan/2", outcome="works", failed=False)
    doc["e820"] = [{"base": addr(e["start"]), "base_hex": e["start"], "size": e["size"],
                    "last": addr(e["start"]) + e["size"] - 1, "last_hex": "0x%x" % (addr(e["start"]) + e["size"] - 1),
                    "type": e["type"]} for e in obs["e820"]]
    for f in doc["functions"]:
        f["pci_address"] = "0000:" + f.pop("bdf")
        f["bars"] = [bar(b) for b in f["bars"]]
        if f.get("bridge"):
            for w in ("io", "memory", "prefetchable"):
                f["bridge"][w] = window(f["bridge"][w])
    return doc


class Compare(unittest.TestCase):
    def test_identical(self):
        self.assertEqual(compare.compare(_observed(), _observed()), [])

    def test_a_plan2_prediction_reads_as_the_observation(self):
        exp = _as_plan2(_observed())
        self.assertEqual(compare.compare(exp, _observed()), [])
        exp["functions"][3]["bars"][2]["base_hex"] = "0x1000000000"
        self.assertEqual(compare.compare(exp, _observed()),
                         ["01:00.0 BAR2 address: predicted 0x1000000000, QEMU 0x800000000"])
        exp = _as_plan2(_observed())
        exp["outcome"] = "bars-unassigned"
        self.assertEqual(compare.compare(exp, _observed()), [])

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

    def test_functions_sharing_a_bdf_pair_by_id(self):
        exp, obs = _observed(), _observed()
        twin = json.loads(json.dumps(obs["functions"][3]))
        twin["id"], twin["device_id"] = "other", "0x0010"
        obs["functions"].insert(3, twin)
        exp["functions"].append(json.loads(json.dumps(twin)))
        self.assertEqual(compare.compare(exp, obs), [])
        exp["functions"][-1]["id"] = "renamed"
        self.assertTrue(any("not predicted" in d for d in compare.compare(exp, obs)))

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

    def test_strict_boot_only_adds_boot_words(self):
        # The strict-boot stream changes nothing else: without its words the case is the plain one.
        halted = 0
        for s in range(300):
            plain = gen_cases.generate_case(s)
            strict = gen_cases.generate_case(s, strict_boot=True)
            if plain.get("intent") == "refuse":
                self.assertEqual(plain["args"], strict["args"])
                continue
            args = strict["args"]
            self.assertEqual(args[-2], "-boot")
            self.assertIn("strict=on", args[-1])
            stripped = [",".join(p for p in a.split(",") if not p.startswith("bootindex=")) for a in args[:-2]]
            self.assertEqual(stripped, plain["args"])
            indices = [p for a in args for p in a.split(",") if p.startswith("bootindex=")]
            self.assertEqual(len(indices), len(set(indices)))
            halted += bool(indices)
        self.assertGreater(halted, 100)

    def test_refusal_fraction(self):
        n = sum(gen_cases.generate_case(s)["intent"] == "refuse" for s in range(2000))
        self.assertTrue(40 <= n <= 200, n)

    # sha256 over json.dumps(generate(s, fw)) + "\n" for s in 0..299 and the CI seabios subset's
    # 48 seeds, computed with the generator before newer stacks existed: the QEMU 7.2 stream of the
    # system stacks must stay byte-identical (recordings and CI subsets depend on it).
    LEGACY_DIGESTS = {
        "seabios": "e71f472de2c690a49be06f17466136fd0c72d83eac61864c0bf51dc97a6ba529",
        "ovmf": "89959bc73c9114b088193996a76926432956acdc23eaacb8382350a133046f9c",
    }

    def test_legacy_stream_byte_identical(self):
        seeds = list(range(300)) + [20261122 * 100000 + i for i in range(48)]
        for fw, want in self.LEGACY_DIGESTS.items():
            stack = stacks.default_for(fw)
            for call in (lambda s: gen_cases.generate(s, fw),
                         lambda s: gen_cases.generate(s, stack.firmware_name, stack.qemu)):
                h = hashlib.sha256()
                for s in seeds:
                    h.update((json.dumps(call(s)) + "\n").encode())
                self.assertEqual(h.hexdigest(), want, fw)
        self.assertEqual(gen_cases.generate(5), gen_cases.generate(5, "seabios-1.16.2", "7.2"))

    def test_new_streams_deterministic_and_distinct(self):
        for name in ("qemu-7.2+seabios-1.16.3", "qemu-10.0+seabios-1.16.3",
                     "qemu-10.0+seabios-1.17.0", "qemu-11.1+seabios-1.17.0",
                     "qemu-10.0+ovmf-2025.02"):
            st = stacks.get(name)
            for s in (0, 7, 140000123):
                a = gen_cases.generate_case(s, st.firmware_name, st.qemu)
                self.assertEqual(a, gen_cases.generate_case(s, st.firmware_name, st.qemu))
        st = stacks.get("qemu-10.0+seabios-1.16.3")
        self.assertNotEqual([gen_cases.generate(s) for s in range(20)],
                            [gen_cases.generate(s, st.firmware_name, st.qemu) for s in range(20)])

    def test_machine_types_of_release(self):
        self.assertEqual(gen_cases.machine_versions("10.0"),
                         ["7.0", "7.1", "7.2", "8.0", "8.1", "8.2", "9.0", "9.1", "9.2", "10.0"])
        self.assertEqual(gen_cases.machine_versions("11.1")[-4:], ["10.1", "10.2", "11.0", "11.1"])
        seen = set()
        for s in range(600):
            a = gen_cases.generate(s, "seabios-1.17.0", "11.1")
            seen.add(a[a.index("-machine") + 1])
        self.assertIn("q35", seen)
        self.assertIn("pc", seen)
        self.assertIn("pc-q35-11.1", seen)
        self.assertIn("pc-i440fx-7.0", seen)
        self.assertIn("pc-q35-10.1", seen)
        for s in range(300):   # 7.2 has no newer types
            a = gen_cases.generate(s, "seabios-1.16.3", "7.2")
            self.assertIn(a[a.index("-machine") + 1],
                          {"q35", "pc", "pc-q35-7.0", "pc-q35-7.1", "pc-q35-7.2",
                           "pc-i440fx-7.0", "pc-i440fx-7.1", "pc-i440fx-7.2"})

    def test_new_stream_coverage(self):
        text = [" ".join(gen_cases.generate(s, "seabios-1.17.0", "10.0")) for s in range(1500)]
        for needle in ("lm=off", "vendor=GenuineIntel", "phys-bits=39", "phys-bits=41",
                       "phys-bits=48", "maxmem=1100G", "hotplug=off", "pref64-reserve=",
                       "virtio-balloon-pci", "opt/org.seabios/pci64,string="):
            self.assertTrue(any(needle in t for t in text), needle)
        n = sum(gen_cases.generate_case(s, "seabios-1.17.0", "10.0")["intent"] == "refuse"
                for s in range(2000))
        self.assertTrue(50 <= n <= 160, n)
        # the pci64 knob only for SeaBIOS 1.17.0
        for s in range(400):
            self.assertNotIn("opt/org.seabios/pci64",
                             " ".join(gen_cases.generate(s, "seabios-1.16.3", "10.0")))

    def test_max_used_gpa_non_lm(self):
        # what QEMU printed for -machine q35 -m 4G,slots=1,maxmem=64G -cpu qemu64,lm=off
        G = gen_cases.GiB
        args = (True, 4 * G, 64 * G, 1, 32 * G, True, True)
        self.assertEqual(gen_cases.max_used_gpa(*args, lm=False, qemu="7.2"), 0x18bfffffff)
        self.assertEqual(gen_cases.max_used_gpa(*args, lm=False, qemu="10.0"), 0x10bfffffff)
        self.assertEqual(gen_cases.max_used_gpa(*args, lm=False, qemu="11.1", machine="8.2"),
                         0x10bfffffff)
        # pc-*-8.1 and older on a new QEMU: broken_32bit_mem_addr_check, never refused
        self.assertEqual(gen_cases.max_used_gpa(*args, lm=False, phys_bits=36, qemu="10.0",
                                                machine="8.1"), 0xfffffffff)
        # no hotplug area: the end of RAM above 4G (q35 4G: 2G above)
        self.assertEqual(gen_cases.max_used_gpa(True, 4 * G, 4 * G, 0, 32 * G, True, True,
                                                lm=False, qemu="10.0"), 0x17fffffff)
        # long mode: unchanged
        self.assertEqual(gen_cases.max_used_gpa(*args, qemu="10.0"),
                         gen_cases.max_used_gpa(*args))
        # phys-bits=32: QEMU 7.2 skips its check; 8.2+ compares with the 64-bit hole's end
        # ("Address space limit 0xffffffff < 0x2bfffffff phys-bits too low (32)", pc -m 8G)
        pc8 = (False, 8 * G, 8 * G, 0, 2 * G, True, True)
        self.assertEqual(gen_cases.max_used_gpa(*pc8, phys_bits=32, qemu="7.2"), 0xffffffff)
        self.assertEqual(gen_cases.max_used_gpa(*pc8, phys_bits=32, qemu="10.0"), 0x2bfffffff)


def _fake_stack_tree(root: str) -> None:
    def touch(*parts):
        path = os.path.join(root, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").close()
    for sb in ("seabios-1.16.3", "seabios-1.17.0"):
        touch(sb, "root/usr/share/seabios/bios-256k.bin")
        touch(sb, "root/usr/share/seabios/vgabios-stdvga.bin")
    touch("qemu-10.0", "root/usr/bin/qemu-system-x86_64")
    os.makedirs(os.path.join(root, "qemu-10.0/root/usr/lib/x86_64-linux-gnu/qemu"))
    os.makedirs(os.path.join(root, "qemu-10.0/root/usr/share/qemu"))
    touch("qemu-11.1", "version")
    touch("qemu-11.1", "root/usr/bin/qemu-system-x86_64")
    touch("qemu-11.1", "root/usr/lib64/ld-linux-x86-64.so.2")
    touch("qemu-11.1", "root/usr/share/seabios/bios-256k.bin")
    os.makedirs(os.path.join(root, "qemu-11.1/root/usr/lib/x86_64-linux-gnu/qemu"))
    os.makedirs(os.path.join(root, "qemu-11.1/root/usr/share/qemu"))
    for ov in ("ovmf-2025.02", "ovmf-2026.08"):
        touch(ov, "root/usr/share/OVMF/OVMF_CODE_4M.fd")
        touch(ov, "root/usr/share/OVMF/OVMF_VARS_4M.fd")


class Stacks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.old = os.environ.get("APERTURE_STACKS_DIR")
        os.environ["APERTURE_STACKS_DIR"] = self.tmp.name

    def tearDown(self):
        if self.old is None:
            os.environ.pop("APERTURE_STACKS_DIR", None)
        else:
            os.environ["APERTURE_STACKS_DIR"] = self.old
        self.tmp.cleanup()

    def test_table(self):
        for name in ("qemu-7.2+seabios-1.16.2", "qemu-7.2+seabios-1.16.3",
                     "qemu-10.0+seabios-1.16.3", "qemu-10.0+seabios-1.17.0",
                     "qemu-11.1+seabios-1.17.0", "qemu-7.2+ovmf-2022.11", "qemu-7.2+ovmf-2025.02",
                     "qemu-7.2+ovmf-2026.08", "qemu-10.0+ovmf-2025.02", "qemu-10.0+ovmf-2026.08"):
            self.assertEqual(stacks.get(name).name, name)
        self.assertEqual(stacks.default_for("seabios").name, "qemu-7.2+seabios-1.16.2")
        self.assertEqual(stacks.default_for("ovmf").name, "qemu-7.2+ovmf-2022.11")
        self.assertEqual(stacks.get("qemu-10.0+seabios-1.16.3").aperture_args,
                         ["--qemu", "10.0", "--firmware", "seabios-1.16.3"])
        self.assertEqual(stacks.default_for("seabios").aperture_args,
                         ["--qemu", "7.2", "--firmware", "seabios-1.16.2"])
        self.assertEqual(stacks.get("qemu-10.0+ovmf-2026.08").aperture_args,
                         ["--qemu", "10.0", "--firmware", "ovmf-2026.08"])
        self.assertIs(stacks.from_aperture_args(["--firmware", "ovmf"]), stacks.default_for("ovmf"))
        self.assertIs(stacks.from_aperture_args(["--qemu", "11.1", "--firmware", "seabios-1.17.0"]),
                      stacks.get("qemu-11.1+seabios-1.17.0"))
        with self.assertRaises(KeyError):
            stacks.get("qemu-9.9+seabios-1.0")

    def test_missing_names_file_and_command(self):
        with self.assertRaises(stacks.StackMissing) as cm:
            stacks.get("qemu-10.0+seabios-1.16.3").resolve()
        msg = str(cm.exception)
        self.assertIn(os.path.join(self.tmp.name, "seabios-1.16.3"), msg)
        self.assertIn("scripts/oracle-stacks.sh qemu-10.0 seabios-1.16.3", msg)
        with self.assertRaises(stacks.StackMissing) as cm:
            stacks.get("qemu-11.1+seabios-1.17.0").resolve()
        self.assertIn("scripts/oracle-stacks.sh qemu-11.1", str(cm.exception))

    def test_resolve(self):
        _fake_stack_tree(self.tmp.name)
        t = self.tmp.name
        r = stacks.get("qemu-10.0+seabios-1.17.0").resolve()
        sb = os.path.join(t, "seabios-1.17.0/root/usr/share/seabios")
        self.assertEqual(r.prefix, [os.path.join(t, "qemu-10.0/root/usr/bin/qemu-system-x86_64")])
        self.assertEqual(r.env, {"QEMU_MODULE_DIR":
                                 os.path.join(t, "qemu-10.0/root/usr/lib/x86_64-linux-gnu/qemu")})
        self.assertEqual(r.data_args, ["-L", sb, "-L", os.path.join(t, "qemu-10.0/root/usr/share/qemu")])
        self.assertEqual(r.firmware_args, ["-bios", os.path.join(sb, "bios-256k.bin")])
        r = stacks.get("qemu-11.1+seabios-1.17.0").resolve()
        root = os.path.join(t, "qemu-11.1/root")
        self.assertEqual(r.prefix[0], os.path.join(root, "usr/lib64/ld-linux-x86-64.so.2"))
        self.assertEqual(r.prefix[1], "--library-path")
        self.assertEqual(r.prefix[3], os.path.join(root, "usr/bin/qemu-system-x86_64"))
        self.assertEqual(r.firmware_args, ["-bios", os.path.join(root, "usr/share/seabios/bios-256k.bin")])
        r = stacks.get("qemu-7.2+seabios-1.16.3").resolve()
        self.assertEqual(r.prefix, [stacks.SYSTEM_QEMU])
        self.assertEqual(r.env, {})
        r = stacks.get("qemu-10.0+ovmf-2025.02").resolve()
        self.assertEqual(r.ovmf_code, os.path.join(t, "ovmf-2025.02/root/usr/share/OVMF/OVMF_CODE_4M.fd"))
        self.assertEqual(r.firmware_args, [])
        cmd = qemu_oracle.build_command(["-m", "1G"], "seabios", "/tmp/x",
                                        stacks.get("qemu-10.0+seabios-1.16.3").resolve())
        self.assertEqual(cmd[1:5], ["-L", os.path.join(t, "seabios-1.16.3/root/usr/share/seabios"),
                                    "-L", os.path.join(t, "qemu-10.0/root/usr/share/qemu")])
        self.assertEqual(cmd[-4:], ["-bios", os.path.join(t, "seabios-1.16.3/root/usr/share/seabios/bios-256k.bin"),
                                    "-m", "1G"])

    def test_version_problems(self):
        st = stacks.get("qemu-10.0+seabios-1.16.3")
        obs = {"outcome": "ok", "oracle": {
            "stack": st.name, "firmware_version": "1.16.3-debian-1.16.3-2",
            "qemu_version_line": "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)"}}
        self.assertEqual(stacks.version_problems(st, obs), [])
        bad = copy.deepcopy(obs)
        bad["oracle"]["firmware_version"] = "1.16.2-debian-1.16.2-1"
        self.assertIn("expects SeaBIOS 1.16.3", stacks.version_problems(st, bad)[0])
        bad = copy.deepcopy(obs)
        bad["oracle"]["qemu_version_line"] = "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7)"
        self.assertIn("expects QEMU 10.0", stacks.version_problems(st, bad)[0])
        bad = copy.deepcopy(obs)
        del bad["oracle"]["firmware_version"]
        self.assertIn("no SeaBIOS banner", stacks.version_problems(st, bad)[0])
        refused = {"outcome": "refused", "oracle": dict(obs["oracle"])}
        del refused["oracle"]["firmware_version"]
        self.assertEqual(stacks.version_problems(st, refused), [])   # SeaBIOS never ran
        self.assertEqual(qemu_oracle.SEABIOS_BANNER_RE.search(
            "x\nSeaBIOS (version 1.16.3-debian-1.16.3-2)\n").group(1), "1.16.3-debian-1.16.3-2")


class OracleOnlyChecks(unittest.TestCase):
    def test_refusal_limit(self):
        obs = {"outcome": "refused", "error": {"source": "qemu", "message":
               "Address space limit 0xfffffffff < 0x10bfffffff phys-bits too low (36)"}}
        self.assertEqual(sweep.oracle_accepts("refuse", obs,
                                              {"max_used_gpa": "0x10bfffffff", "phys_bits": 36}), [])
        d = sweep.oracle_accepts("refuse", obs, {"max_used_gpa": "0x18bfffffff", "phys_bits": 36})
        self.assertEqual(d, ["QEMU's max used address 0x10bfffffff, generator predicted 0x18bfffffff"])
        d = sweep.oracle_accepts("refuse", obs, {"max_used_gpa": "0x10bfffffff", "phys_bits": 40})
        self.assertEqual(len(d), 1)
        self.assertEqual(sweep.oracle_accepts("refuse", obs), [])
        other = {"outcome": "refused", "error": {"source": "qemu", "message": "-device x: no"}}
        self.assertTrue(sweep.oracle_accepts("refuse", other)[0].startswith("refused for another"))
        self.assertTrue(sweep.oracle_accepts("ok", obs)[0].startswith("QEMU refused"))


class Recordings(unittest.TestCase):
    STACK = "qemu-10.0+seabios-1.16.3"

    def _rec(self, case=0, stack=STACK, banner="1.16.3-debian-1.16.3-2",
             qemu_line="QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)"):
        obs = _observed()
        obs["oracle"] = {"stack": stack, "firmware": "seabios", "args": ["-m", "1G"],
                         "command": ["/x/qemu"] * 40, "stderr": "warning " * 200,
                         "qemu_version_line": qemu_line, "firmware_version": banner,
                         "seabios_banner": "SeaBIOS (version %s)" % banner, "elapsed": 2.2}
        return {"case": case, "args": ["-m", "1G"], "stack": stack, "firmware": "seabios",
                "intent": "ok", "observed": obs, "diffs": [], "status": "PASS", "elapsed": 2.3}

    def test_gz_round_trip(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, self.STACK + ".jsonl.gz")
            with sweep.open_out(path) as f:
                for i in range(3):
                    f.write(json.dumps(sweep.compact_record(self._rec(i))) + "\n")
            with gzip.open(path, "rt") as f:   # really gzip
                self.assertEqual(len(f.readlines()), 3)
            recs = sweep.read_records(path)
            self.assertEqual([r["case"] for r in recs], [0, 1, 2])
            meta = recs[0]["observed"]["oracle"]
            self.assertNotIn("stderr", meta)
            self.assertNotIn("command", meta)
            self.assertEqual(meta["seabios_banner"], "SeaBIOS (version 1.16.3-debian-1.16.3-2)")
            self.assertEqual(compare.compare(_observed(), recs[0]["observed"]), [])
            self.assertEqual(sweep.check_recording(path, recs, None), [])
            self.assertEqual(sweep.check_recording(path, recs, stacks.get(self.STACK)), [])
            self.assertIs(sweep.record_stack(recs[0]), stacks.get(self.STACK))
            # replay without aperture: a stack mismatch fails before anything is compared
            err = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                rc = sweep.main(["--aperture", "/nonexistent/aperture", "--replay", path,
                                 "--stack", "qemu-10.0+seabios-1.17.0"])
            self.assertEqual(rc, 2)
            self.assertIn("cannot be replayed", err.getvalue())

    def test_wrong_records_are_refused(self):
        recs = [self._rec(0), self._rec(1, banner="1.16.2-debian-1.16.2-1")]
        p = sweep.check_recording("x.jsonl.gz", recs, None)
        self.assertEqual(len(p), 1)
        self.assertIn("case 1", p[0])
        p = sweep.check_recording("qemu-10.0+seabios-1.17.0.jsonl.gz", [self._rec(0)], None)
        self.assertTrue(any("not qemu-10.0+seabios-1.17.0" in x for x in p), p)
        p = sweep.check_recording("x.jsonl", [self._rec(0, stack="qemu-10.0+seabios-1.17.0",
                                                        banner="1.17.0-debian-1.17.0-1")],
                                  stacks.get(self.STACK))
        self.assertTrue(p)
        # records of a sweep made before stacks existed: the system stack, no version metadata
        old = {"case": 0, "args": [], "firmware": "ovmf", "observed": _observed()}
        old["observed"]["oracle"] = {"firmware": "ovmf"}
        self.assertEqual(sweep.check_recording("boots.jsonl", [old], None), [])
        self.assertIs(sweep.record_stack(old), stacks.default_for("ovmf"))


if __name__ == "__main__":
    unittest.main()
