#!/usr/bin/env python3
"""Explain a pseries replay's disagreements by the machine type's device compat properties.

    python3 explain_compat.py --aperture build/aperture RECORDING.jsonl.gz > RECORDING.known.json

aperture's pseries model (QEMU 7.2) gives each device its pseries-7.2 layout on every machine type; QEMU
applies hw_compat_X_Y (hw/core/machine.c) of older types to the devices, which changes their BARs:

- hw_compat_5_2 `nvme msix-exclusive-bar=on` (pseries-5.2 and older; in QEMU 9.0 and backported to the
  7.2.x stable releases Debian 12 ships, 7.2.22 here): BAR0 8 KiB of registers and the MSI-X table in a
  BAR4 of its own, instead of one 16 KiB BAR0;
- hw_compat_5_1 `nvme use-intel-id=on` (pseries-5.1 and older): IDs 8086:5845 instead of 1b36:0010;
- hw_compat_3_1 `virtio-blk-device discard=false, write-zeroes=false` (3.1 and older): a smaller config
  space, so the legacy IO BAR0 is 64 bytes, not 128;
- hw_compat_2_7 `virtio-pci page-per-vq=on` (2.7 and older): the modern BAR4 is 8 MiB, not 16 KiB;
- hw_compat_2_6 `virtio-pci disable-modern=on` (2.6 and older): no modern BAR4 at all.

A case is explained when every difference is on a function of an affected device, or is a programmed-address
difference on a PHB holding one (SLOF's pointers shift after a BAR of another size); then it is written to
the known list with the compat entries in force for its devices (at least one of them caused it). Anything else is printed to stderr and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sweep_pseries as sw  # noqa: E402

# (compat entry, device models affected, newest machine type it applies to)
COMPAT = [
    ("hw_compat_5_2 nvme msix-exclusive-bar=on", {"nvme"}, (5, 2)),
    ("hw_compat_5_1 nvme use-intel-id=on", {"nvme"}, (5, 1)),
    ("hw_compat_3_1 virtio-blk-device discard/write-zeroes=false", {"virtio-blk-pci"}, (3, 1)),
    ("hw_compat_2_7 virtio-pci page-per-vq=on", {"virtio-net-pci", "virtio-blk-pci"}, (2, 7)),
    ("hw_compat_2_6 virtio-pci disable-modern=on", {"virtio-net-pci", "virtio-blk-pci"}, (2, 6)),
]


def machine_version(args: list[str]) -> tuple[int, int]:
    m = args[args.index("-machine") + 1].split(",")[0] if "-machine" in args else "pseries"
    v = re.fullmatch(r"pseries-(\d+)\.(\d+)(?:-\w+)?", m)
    return (int(v.group(1)), int(v.group(2))) if v else (7, 2)


def explain(args: list[str], pred: dict, diffs: list[str]) -> str | None:
    ver = machine_version(args)
    entries = [c for c in COMPAT if ver <= c[2]]
    affected = {}   # (phb, slot) -> compat names
    for phb in pred.get("phbs", []):
        for f in phb.get("functions", []):
            names = [c[0] for c in entries if f.get("driver") in c[1]]
            if names:
                affected[(phb["index"], f["slot"])] = names
    phbs_hit = {p for p, _ in affected}
    used = set()
    for d in diffs:
        m = re.match(r"PHB (\d+) (\w\w\.\d)[: ]", d)
        if not m:
            return None
        key = (int(m.group(1)), m.group(2))
        if key in affected:
            used.update(affected[key])
        elif not (key[0] in phbs_hit and re.search(r" BAR\d programmed: ", d)):
            return None
    return ("QEMU applies, aperture does not: " + "; ".join(sorted(used))) if used else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--aperture", required=True)
    ap.add_argument("recording")
    a = ap.parse_args()
    known, bad = {}, 0
    for r in sw.read_records(a.recording):
        verdict, diffs, pred = sw.judge(a.aperture, r["args"], r["observation"])
        if verdict != "FAIL":
            continue
        why = explain(r["args"], pred or {}, diffs)
        if why is None:
            bad += 1
            print(f"case {r['case']}: not explained: {'; '.join(diffs)}", file=sys.stderr)
        else:
            known[f"case {r['case']}"] = why
    json.dump(known, sys.stdout, indent=2, sort_keys=True)
    print()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
