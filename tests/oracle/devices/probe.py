#!/usr/bin/env python3
"""Measure the PCI layout real QEMU builds for a command line, without any firmware.

QEMU runs under the qtest accelerator (no guest code runs).  This script plays a minimal firmware:
it numbers the buses (config mechanism #1 at 0xcf8/0xcfc), then asks QMP `query-pci` for every
function's IDs and region sizes (bar 6 = ROM), and reads each function's config space to report
what firmware would see of bridges: the PCIe slot capability, the Red Hat resource-reserve
capability, SHPC, and whether the I/O and prefetchable window registers are implemented.

usage: probe.py [--json] [--machine q35] -- <extra qemu args...>
Example: probe.py -- -device pcie-root-port,id=rp1,chassis=1 -device virtio-net-pci,bus=rp1
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")


class Qtest:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.sock.settimeout(20)
        self.f = self.sock.makefile("rw")

    def cmd(self, line):
        self.f.write(line + "\n")
        self.f.flush()
        while True:
            reply = self.f.readline().strip()
            if reply.startswith("IRQ"):
                continue
            if not reply.startswith("OK"):
                raise RuntimeError("qtest: %s -> %s" % (line, reply))
            return reply

    def cfg_addr(self, bus, dev, fn, off):
        return 0x80000000 | bus << 16 | dev << 11 | fn << 8 | (off & 0xFC)

    def read32(self, bus, dev, fn, off):
        self.cmd("outl 0xcf8 0x%x" % self.cfg_addr(bus, dev, fn, off))
        return int(self.cmd("inl 0xcfc").split()[1], 16)

    def write32(self, bus, dev, fn, off, val):
        self.cmd("outl 0xcf8 0x%x" % self.cfg_addr(bus, dev, fn, off))
        self.cmd("outl 0xcfc 0x%x" % val)

    def read8(self, bus, dev, fn, off):
        return (self.read32(bus, dev, fn, off) >> (8 * (off & 3))) & 0xFF

    def read16(self, bus, dev, fn, off):
        return (self.read32(bus, dev, fn, off) >> (8 * (off & 2))) & 0xFFFF


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.sock.settimeout(20)
        self.f = self.sock.makefile("rw")
        self.f.readline()
        self.execute("qmp_capabilities")

    def execute(self, name, args=None):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError(r["error"])


def number_buses(qt):
    """Depth-first bus numbering, as SeaBIOS does, so query-pci can see behind bridges."""
    next_bus = [1]

    def scan(bus):
        for dev in range(32):
            for fn in range(8):
                vid = qt.read32(bus, dev, fn, 0) & 0xFFFF
                if vid == 0xFFFF:
                    if fn == 0:
                        break
                    continue
                header = qt.read8(bus, dev, fn, 0x0E)
                if header & 0x7F == 1:
                    sec = next_bus[0]
                    next_bus[0] += 1
                    reg = qt.read32(bus, dev, fn, 0x18) & 0xFF000000
                    qt.write32(bus, dev, fn, 0x18, reg | 0xFF << 16 | sec << 8 | bus)
                    scan(sec)
                    qt.write32(bus, dev, fn, 0x18, reg | (next_bus[0] - 1) << 16 | sec << 8 | bus)
                if fn == 0 and not header & 0x80:
                    break

    scan(0)


def capabilities(qt, bus, dev, fn):
    caps = []
    if not qt.read16(bus, dev, fn, 0x06) & 0x10:
        return caps
    ptr = qt.read8(bus, dev, fn, 0x34) & 0xFC
    seen = set()
    while ptr and ptr not in seen:
        seen.add(ptr)
        caps.append((qt.read8(bus, dev, fn, ptr), ptr))
        ptr = qt.read8(bus, dev, fn, ptr + 1) & 0xFC
    return caps


def bridge_facts(qt, bus, dev, fn):
    facts = {}
    for cap_id, ptr in capabilities(qt, bus, dev, fn):
        if cap_id == 0x10:  # PCI Express
            flags = qt.read16(bus, dev, fn, ptr + 2)
            facts["pcie_type"] = (flags >> 4) & 0xF
            facts["slot_implemented"] = bool(flags & 0x100)
            slotcap = qt.read32(bus, dev, fn, ptr + 0x14)
            facts["hotplug_capable"] = bool(slotcap & 0x40)
            facts["slot_number"] = slotcap >> 19
        elif cap_id == 0x0C:
            facts["shpc"] = True
        elif cap_id == 0x05:
            facts["msi"] = True
        elif cap_id == 0x11:
            facts["msix"] = True
        elif cap_id == 0x09 and qt.read8(bus, dev, fn, ptr + 3) == 1:
            d = [qt.read32(bus, dev, fn, ptr + o) for o in range(0, 32, 4)]
            none32 = 0xFFFFFFFF
            facts["reserve"] = {
                "bus": None if d[1] == none32 else d[1],
                "io": None if d[2] == none32 and d[3] == none32 else d[2] | d[3] << 32,
                "mem": None if d[4] == none32 else d[4],
                "pref32": None if d[5] == none32 else d[5],
                "pref64": None if d[6] == none32 and d[7] == none32 else d[6] | d[7] << 32,
            }
    # Window registers: writable, or read-only (PCI-to-PCI bridge spec 3.2.5.6 / 3.2.5.9). A register
    # is writable when both all-ones and all-zeros in its address bits read back.
    def writable(off, mask):
        saved = qt.read32(bus, dev, fn, off)
        qt.write32(bus, dev, fn, off, (saved & ~mask) | mask)
        ones = qt.read32(bus, dev, fn, off) & mask
        qt.write32(bus, dev, fn, off, saved & ~mask)
        zeros = qt.read32(bus, dev, fn, off) & mask
        qt.write32(bus, dev, fn, off, saved)
        return ones == mask and zeros == 0, ones

    facts["io_window"], _ = writable(0x1C, 0xF0F0)
    facts["io_32bit"] = (qt.read32(bus, dev, fn, 0x1C) & 0xF) == 1
    facts["mem_window"], _ = writable(0x20, 0xFFF0FFF0)
    facts["pref_window"], _ = writable(0x24, 0xFFF0FFF0)
    facts["pref_64"] = (qt.read32(bus, dev, fn, 0x24) & 0xF) == 1
    facts["io_decode"] = bool(writable(0x04, 0x1)[0])
    return facts


def walk(devices):
    for d in devices:
        yield d
        br = d.get("pci_bridge")
        if br and "devices" in br:
            yield from walk(br["devices"])


def probe(machine, extra, want_caps=True):
    tmp = tempfile.mkdtemp(prefix="aperture-probe-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    qt_path = os.path.join(tmp, "qt.sock")
    cmd = [QEMU, "-machine", machine, "-nodefaults", "-no-user-config", "-display", "none",
           "-qtest", "unix:%s,server=on,wait=off" % qt_path,
           "-qmp", "unix:%s,server=on,wait=off" % qmp_path] + extra
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(200):
            if os.path.exists(qmp_path) and os.path.exists(qt_path):
                break
            if p.poll() is not None:
                return {"error": p.stderr.read().decode().strip(), "exit": p.returncode}
            time.sleep(0.02)
        else:
            return {"error": "timeout"}
        try:
            qmp = Qmp(qmp_path)
            qt = Qtest(qt_path)
        except (OSError, ValueError):
            p.wait(timeout=10)
            return {"error": p.stderr.read().decode().strip(), "exit": p.returncode}
        for _ in range(100):
            if qmp.execute("query-status")["status"] == "running":
                break
            time.sleep(0.02)
        # Number the buses until the numbering survives (guards against a late machine reset).
        for _ in range(5):
            number_buses(qt)
            buses = qmp.execute("query-pci")
            time.sleep(0.05)
            if buses == qmp.execute("query-pci"):
                break
        out = []
        for b in buses:
            for d in walk(b["devices"]):
                rec = {
                    "bdf": "%02x:%02x.%x" % (d["bus"], d["slot"], d["function"]),
                    "qdev_id": d.get("qdev_id", ""),
                    "vendor": d["id"]["vendor"], "device": d["id"]["device"],
                    "class": d["class_info"]["class"],
                    "regions": [{"bar": r["bar"], "type": r["type"], "size": r["size"],
                                 "mem64": r.get("mem_type_64", False),
                                 "pref": r.get("prefetch", False)} for r in d["regions"]],
                }
                if "pci_bridge" in d and want_caps:
                    rec["bridge"] = bridge_facts(qt, d["bus"], d["slot"], d["function"])
                out.append(rec)
        return {"devices": out}
    finally:
        p.kill()
        p.wait()


def fmt_region(r):
    if r["bar"] == 6:
        return "rom:%s" % human(r["size"])
    if r["type"] == "io":
        return "%d:io:%s" % (r["bar"], human(r["size"]))
    return "%d:%s%s:%s" % (r["bar"], "m64" if r["mem64"] else "m32", "p" if r["pref"] else "", human(r["size"]))


def human(n):
    for unit, shift in (("G", 30), ("M", 20), ("K", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return "%d%s" % (n >> shift, unit)
    return str(n)


def main():
    args = sys.argv[1:]
    as_json = False
    machine = "q35"
    while args and args[0] != "--":
        a = args.pop(0)
        if a == "--json":
            as_json = True
        elif a == "--machine":
            machine = args.pop(0)
    extra = args[1:] if args else []
    res = probe(machine, extra)
    if as_json:
        print(json.dumps(res, indent=1))
        return
    if "error" in res:
        print("ERROR:", res["error"])
        return
    for d in res["devices"]:
        line = "%s %-8s %04x:%04x c%04x %s" % (d["bdf"], d["qdev_id"][:8], d["vendor"], d["device"], d["class"],
                                               " ".join(fmt_region(r) for r in d["regions"]))
        if "bridge" in d:
            line += " " + json.dumps(d["bridge"], sort_keys=True)
        print(line)


if __name__ == "__main__":
    main()
