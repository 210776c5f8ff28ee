#!/usr/bin/env python3
"""Measure one device (given id=dut) in the five plug contexts aperture models.

usage: measure.py [--contexts root,rp,pb,ppb,pc] [--pre 'qemu args'] -- -device virtio-net-pci,...
The device argument must not name id= or bus=; this script adds id=dut and the bus of each context.
Prints one line per context: the device's IDs, class and regions (bar 6 = ROM), or QEMU's error.
"""
import shlex
import sys

from probe import fmt_region, probe

CONTEXTS = {
    # name: (machine, extra devices, bus for the device under test)
    "root": ("q35", [], "pcie.0"),
    "rp": ("q35", ["-device", "pcie-root-port,id=ctx,chassis=9"], "ctx"),
    "pb": ("q35", ["-device", "pci-bridge,id=ctx,chassis_nr=9"], "ctx"),
    "ppb": ("q35", ["-device", "pcie-pci-bridge,id=ctx"], "ctx"),
    "pc": ("pc", [], "pci.0"),
}


def measure(device, contexts, pre):
    out = {}
    for name in contexts:
        machine, extra, bus = CONTEXTS[name]
        dev = list(device)
        dev[-1] = dev[-1] + ",id=dut,bus=%s" % bus
        res = probe(machine, pre + extra + dev, want_caps=True)
        if "error" in res:
            out[name] = {"error": res["error"]}
            continue
        found = [d for d in res["devices"] if d["qdev_id"] == "dut"]
        out[name] = found[0] if found else {"error": "device not found"}
    return out


def line(rec):
    if "error" in rec:
        return "ERROR " + rec["error"].replace("\n", " | ")
    s = "%04x:%04x c%04x %s" % (rec["vendor"], rec["device"], rec["class"],
                                " ".join(fmt_region(r) for r in rec["regions"]))
    if "bridge" in rec:
        b = rec["bridge"]
        keys = ["slot_implemented", "hotplug_capable", "slot_number", "io_window", "io_decode", "mem_window", "pref_window", "pref_64", "shpc", "reserve"]
        s += " " + " ".join("%s=%s" % (k, b.get(k)) for k in keys if k in b)
    return s


def main():
    args = sys.argv[1:]
    contexts = list(CONTEXTS)
    pre = []
    while args and args[0] != "--":
        a = args.pop(0)
        if a == "--contexts":
            contexts = args.pop(0).split(",")
        elif a == "--pre":
            pre = shlex.split(args.pop(0))
    device = args[1:]
    res = measure(device, contexts, pre)
    print("#", " ".join(device))
    for name in contexts:
        print("  %-5s %s" % (name, line(res[name])))


if __name__ == "__main__":
    main()
