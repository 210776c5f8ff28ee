#!/usr/bin/env python3
"""What a sweep's cases exercised: counts over the records of `sweep.py --out` (predictions and boots).

    python3 coverage.py results.jsonl [more.jsonl.gz ...]
"""
import collections
import gzip
import json
import re
import sys


def features(rec: dict) -> list:
    args = " ".join(rec["args"])
    pred = rec.get("predicted") or {}
    obs = rec.get("observed") or {}
    out = ["outcome " + str(obs.get("outcome"))]
    choice = (pred.get("mmio64_choice") or {}).get("kind")
    if choice:
        out.append("64-bit window " + choice)
    if pred.get("shortfall"):
        out.append("OVMF dropped BARs (window overflow)")
    if pred.get("unassigned"):
        out.append("some BAR unassigned")
    if "X-PciMmio64Mb" in args:
        out.append("X-PciMmio64Mb")
    m = re.search(r"phys-bits=(\d+)", args)
    out.append("phys-bits %s" % (m.group(1) if m else "default"))
    if "maxmem=" in args:
        out.append("maxmem/slots")
    if "GenuineIntel" in args:
        out.append("Intel vendor")
    if "lm=off" in args:
        out.append("CPU without long mode")
    if "opt/org.seabios/pci64" in args:
        out.append("opt/org.seabios/pci64")
    if "hotplug=off" in args:
        out.append("root port hotplug=off")
    m = re.search(r"-machine (\S+)", args)
    if m:
        out.append("machine type " + m.group(1))
    if "pdpe1gb=on" in args:
        out.append("1 GiB pages")
    ports = re.findall(r"pcie-root-port[^ ]*", args)
    if ports:
        out.append("root ports")
        if any("-reserve=" in p for p in ports):
            out.append("root port with reservations")
        if any("-reserve=" not in p for p in ports):
            out.append("root port without reservations")
    if "xio3130-downstream" in args:
        out.append("PCIe switch")
    if "pci-bridge" in args:
        out.append("pci-bridge / pcie-pci-bridge")
    if re.search(r"-machine pc(\s|-i440fx)", args + " "):
        out.append("machine pc")
    else:
        out.append("machine q35")
    return out


def main(paths) -> int:
    counts = collections.Counter()
    total = 0
    for path in paths:
        with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
            for line in f:
                rec = json.loads(line)
                total += 1
                counts.update(features(rec))
    print("%d cases" % total)
    for k, v in sorted(counts.items(), key=lambda kv: (kv[0].split(" ")[0], kv[0])):
        print("  %-40s %d" % (k, v))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
