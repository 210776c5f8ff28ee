#!/usr/bin/env python3
"""Deterministic random generator of QEMU 7.2 command lines for the aperture oracle sweep.

    generate(seed: int, firmware="seabios") -> list[str]          # the qemu args of one case
    generate_case(seed: int, firmware="seabios") -> dict          # args + what the generator meant

Everything is drawn from random.Random(seed), so a seed always gives the same command line.
Cases cover q35 and pc (plus a few versioned machine names), with and without -nodefaults,
RAM sizes around the low/high split points, memory hotplug (slots/maxmem, up to ~1100G so that
QEMU's AMD 1 TiB relocation and phys-bits refusals happen), qemu64 with phys-bits/vendor/pdpe1gb,
pci-hole64-size, nested pcie-root-port / PCIe switch / pcie-pci-bridge / pci-bridge topologies
with resource-reserve properties, and a mix of endpoints.

About 5% of the cases are deliberately refused by QEMU (phys-bits too low); generate_case()
reports them with intent "refuse". Every other case is meant to be accepted by QEMU (the firmware
may still overflow its 32-bit window or panic: that is part of what is tested).

CLI:  python3 gen_cases.py SEED [COUNT] [--firmware ovmf] [--info]
"""

from __future__ import annotations

import json
import random
import sys

KiB, MiB, GiB, TiB = 1 << 10, 1 << 20, 1 << 30, 1 << 40


def size_str(n: int) -> str:
    for unit, mult in (("T", TiB), ("G", GiB), ("M", MiB), ("K", KiB)):
        if n >= mult and n % mult == 0:
            return "%d%s" % (n // mult, unit)
    return str(n)


def _roundup(x: int, a: int) -> int:
    return (x + a - 1) // a * a


def max_used_gpa(q35: bool, ram: int, maxmem: int, slots: int, hole64: int, amd: bool,
                 amd_hole: bool) -> int:
    """QEMU 7.2 pc_max_used_gpa() after the AMD 1 TiB relocation (see firmware-research.md 1.1-1.4)."""
    if q35:
        lowmem = 0x80000000 if ram >= 0xB0000000 else 0xB0000000
    else:
        lowmem = 0xC0000000 if ram >= 0xE0000000 else 0xE0000000
    below = min(ram, lowmem)
    above = ram - below

    def hole64_start(above_start):
        end = above_start + above
        if maxmem > ram:
            base = _roundup(end, GiB)
            return _roundup(base + (maxmem - ram) + slots * GiB, GiB)
        return _roundup(end, GiB)

    mu = hole64_start(4 * GiB) + hole64 - 1
    if amd and amd_hole and mu >= 0xFD00000000:
        mu = hole64_start(TiB) + hole64 - 1
    return mu


def bits_needed(addr: int) -> int:
    return max(addr.bit_length(), 32)


class Bus:
    """A bus a device can be plugged into."""

    def __init__(self, name, kind, slots, depth=0):
        self.name = name          # QEMU bus id (pcie.0 / pci.0 / the bridge's id)
        self.kind = kind          # "pcie-root", "pci-root", "port" (root/downstream port), "pci"
        self.free = list(slots)   # free device numbers, ascending
        self.depth = depth

    @property
    def is_port(self):
        return self.kind == "port"

    def take_auto(self):
        return self.free.pop(0)

    def take(self, slot):
        self.free.remove(slot)


ENDPOINT_WEIGHTS = [
    ("pci-testdev", 30), ("virtio-net-pci", 12), ("virtio-blk-pci", 8), ("virtio-scsi-pci", 5),
    ("virtio-rng-pci", 5), ("virtio-balloon-pci", 3), ("e1000e", 6), ("e1000", 5), ("nvme", 7),
    ("qemu-xhci", 6), ("VGA", 4), ("bochs-display", 4), ("ivshmem-plain", 5),
]

# membar sizes for pci-testdev: mostly realistic GPU-like sizes 16M..32G, some small, rare 64G
MEMBAR_CHOICES = (
    [(s, 3) for s in (16 * MiB, 32 * MiB, 64 * MiB, 128 * MiB, 256 * MiB, 512 * MiB)] +
    [(s, 3) for s in (1 * GiB, 2 * GiB, 4 * GiB, 8 * GiB, 16 * GiB, 32 * GiB)] +
    [(s, 1) for s in (4 * KiB, 64 * KiB, 1 * MiB, 4 * MiB, 8 * MiB, 64 * GiB)]
)


def _wchoice(rng, pairs):
    total = sum(w for _, w in pairs)
    r = rng.uniform(0, total)
    acc = 0
    for v, w in pairs:
        acc += w
        if r <= acc:
            return v
    return pairs[-1][0]


def generate_case(seed: int, firmware: str = "seabios") -> dict:
    rng = random.Random(seed)
    ovmf = firmware == "ovmf"
    args: list[str] = []
    info: dict = {"seed": seed, "firmware": firmware}

    # ---- machine -------------------------------------------------------------------------
    q35 = rng.random() < 0.6
    if q35:
        machine = "q35" if rng.random() < 0.85 else rng.choice(["pc-q35-7.2", "pc-q35-7.1",
                                                                "pc-q35-7.0"])
    else:
        machine = "pc" if rng.random() < 0.85 else rng.choice(["pc-i440fx-7.2", "pc-i440fx-7.1",
                                                               "pc-i440fx-7.0"])
    amd_hole = not machine.endswith("7.0")
    args += ["-machine", machine]
    nodefaults = rng.random() < 0.85
    if nodefaults:
        args.append("-nodefaults")

    # ---- memory --------------------------------------------------------------------------
    r = rng.random()
    if r < 0.3:
        ram_mb = rng.choice([512, 1024, 1536, 2047, 2048, 2049, 2815, 2816, 2817, 3071, 3072,
                             3073, 3328, 3583, 3584, 3585, 3840, 4096])
    elif r < 0.8:
        ram_mb = rng.choice([512, 1024, 2048, 3072, 4096, 6144, 8192, 12288])
    else:
        ram_mb = rng.randint(512, 12288)
    ram = ram_mb * MiB
    slots, maxmem = 0, ram
    mem_arg = size_str(ram)
    if rng.random() < 0.15:
        slots = rng.choice([1, 2, 4, 8])
        if rng.random() < 0.7:
            maxmem = ram + rng.choice([1, 2, 4, 8, 16, 32, 64]) * GiB
        else:
            maxmem = max(ram + GiB, rng.choice([256, 512, 900, 1000, 1010, 1024, 1100]) * GiB)
        mem_arg += ",slots=%d,maxmem=%s" % (slots, size_str(maxmem))
    args += ["-m", mem_arg]

    # ---- 64-bit hole size ----------------------------------------------------------------
    hole64 = 32 * GiB if q35 else 2 * GiB
    if rng.random() < 0.12:
        hole64 = rng.choice([1, 2, 4, 16, 64, 128, 256, 512, 1024]) * GiB
        host = "q35-pcihost" if q35 else "i440FX-pcihost"
        args += ["-global", "%s.pci-hole64-size=%s" % (host, size_str(hole64))]

    # ---- CPU -----------------------------------------------------------------------------
    # OVMF trusts phys-bits only for some vendor/width pairs (AMD 40, Intel 36/39, any >= 41), so
    # OVMF cases draw Intel more often: Intel/40 is the classic-window case.
    intel = rng.random() < (0.35 if ovmf else 0.2)
    pdpe1gb = rng.random() < (0.4 if ovmf else 0.15)
    need = bits_needed(max_used_gpa(q35, ram, maxmem, slots, hole64, not intel, amd_hole))
    refuse = rng.random() < 0.065 and need > 33   # phys-bits <= 32 disables QEMU's check
    phys_bits = None
    if refuse:
        if need > 40 and rng.random() < 0.5:
            phys_bits = None                      # the default 40 is too low
        else:
            phys_bits = rng.randint(max(33, need - 3), need - 1)
    else:
        top = 43 if ovmf else 46
        if need > 40:
            phys_bits = rng.randint(need, max(need, min(top, need + 2)))
        elif rng.random() < 0.35:
            # OVMF: 44..46 too, booted without 1G pages (OVMF then clamps to 40 and stays fast)
            phys_bits = rng.randint(max(36, need), 46 if ovmf else top)
        elif ovmf and intel and rng.random() < 0.4:
            # the Intel widths OVMF trusts below 41
            phys_bits = rng.choice([b for b in (36, 39) if b >= need] or [40])
    # OVMF under TCG: with 1G pages and phys-bits >= 44 it needs minutes (46: ~300 s); without
    # 1G pages and a hotplug area/hole beyond 1 TiB it printed nothing in 400 s. Keep OVMF cases
    # bootable: 1G pages whenever the address space must exceed 40 bits, never above 43 bits.
    if ovmf and not refuse and need > 40:
        pdpe1gb = True
    if ovmf and pdpe1gb and phys_bits is not None and phys_bits > 43:
        pdpe1gb = False
    cpu_opts = []
    if phys_bits is not None:
        cpu_opts.append("phys-bits=%d" % phys_bits)
    if intel:
        cpu_opts.append("vendor=GenuineIntel")
    if pdpe1gb:
        cpu_opts.append("pdpe1gb=on")
    if cpu_opts or rng.random() < 0.3:
        args += ["-cpu", ",".join(["qemu64"] + cpu_opts)]
    eff_bits = phys_bits if phys_bits is not None else 40
    info["intent"] = "refuse" if eff_bits < need else "ok"
    info["max_used_gpa"] = "0x%x" % max_used_gpa(q35, ram, maxmem, slots, hole64, not intel,
                                                 amd_hole)

    if ovmf and rng.random() < 0.2:
        args += ["-fw_cfg", "name=opt/ovmf/X-PciMmio64Mb,string=%d"
                 % rng.choice([0, 1024, 4096, 16384, 32768, 65536, 131072, 262144])]

    # ---- PCI topology --------------------------------------------------------------------
    root = Bus("pcie.0" if q35 else "pci.0", "pcie-root" if q35 else "pci-root",
               range(1, 31) if q35 else range(2, 32))
    buses = [root]
    devices: list[list[str]] = []   # emitted in order; each entry is a list of args
    chassis = [0]
    counters = {}

    def next_id(prefix):
        counters[prefix] = counters.get(prefix, 0) + 1
        return "%s%d" % (prefix, counters[prefix])

    user_vga = False
    n_endpoints = _wchoice(rng, [(0, 1), (1, 3), (2, 4), (3, 4), (4, 3), (5, 2), (6, 2), (8, 1),
                                 (10, 1)])
    if q35:
        n_rp = _wchoice(rng, [(0, 3), (1, 4), (2, 4), (3, 3), (4, 2), (6, 1), (8, 1)])
        n_ppb = _wchoice(rng, [(0, 6), (1, 3), (2, 1)])
        n_switch = 1 if rng.random() < 0.1 else 0
    else:
        n_rp, n_ppb, n_switch = 0, 0, 0
    n_pb = _wchoice(rng, [(0, 6), (1, 3), (2, 2), (3, 1)])

    # Pre-decide which endpoint kinds appear: VGA must be known before placing defaults.
    kinds = []
    balloon = False
    for _ in range(n_endpoints):
        k = _wchoice(rng, ENDPOINT_WEIGHTS)
        if k == "virtio-balloon-pci":
            if balloon:
                k = "virtio-rng-pci"
            balloon = True
        if k == "VGA":
            if user_vga:
                k = "bochs-display"
            user_vga = True
        kinds.append(k)

    # OVMF: GPU-sized BARs often enough that the 64-bit window overflows and OVMF drops devices.
    if ovmf and rng.random() < 0.35:
        kinds += ["pci-testdev-big"] * _wchoice(rng, [(1, 4), (2, 3), (3, 2)])

    # Default devices take root slots at machine init (before any -device).
    if not nodefaults:
        if not user_vga:
            root.take_auto()      # default VGA
        root.take_auto()          # default NIC (e1000e on q35, e1000 on pc)
    explicit_root_min = 1 if nodefaults else 5

    placements: dict = {}   # id -> [bus id, device number] as the generator expects QEMU to assign

    def record(bus: Bus, opts: list, slot: int, fn: int = 0):
        for o in opts:
            if o.startswith("id="):
                placements[o[3:]] = [bus.name, slot, fn]

    def place(bus: Bus, opts: list, want_explicit: float = 0.25):
        """Pick the device number on bus (QEMU: lowest free slot unless addr= is given)."""
        if bus.is_port:
            record(bus, opts, bus.take_auto())
            if rng.random() < 0.2:
                opts.append("addr=0" if rng.random() < 0.5 else "addr=0.0")
            return
        if rng.random() < want_explicit:
            lo = explicit_root_min if bus is root else 0
            cand = [s for s in bus.free if s >= lo]
            if cand:
                s = rng.choice(cand)
                bus.take(s)
                record(bus, opts, s)
                # addr= is always hexadecimal, with or without the 0x
                opts.append("addr=0x%x" % s if rng.random() < 0.5 else "addr=%x" % s)
                return
        record(bus, opts, bus.take_auto())

    def bus_opt(bus: Bus, opts: list):
        if bus is root:
            if rng.random() < 0.3:
                opts.append("bus=%s" % bus.name)
        else:
            opts.append("bus=%s" % bus.name)

    def usable(pred):
        return [b for b in buses if b.free and pred(b)]

    def reserve_opts(opts: list, pcie: bool):
        if rng.random() < 0.25:
            opts.append("bus-reserve=%d" % rng.choice([1, 2, 3, 4, 8]))
        if rng.random() < 0.3:
            opts.append("io-reserve=%s" % rng.choice(["0", "4K", "4K", "8K", "16K"]))
        if rng.random() < 0.3:
            opts.append("mem-reserve=%s" % rng.choice(["1M", "2M", "8M", "32M", "64M", "256M"]))
        r2 = rng.random()
        if r2 < 0.12:
            opts.append("pref32-reserve=%s" % rng.choice(["2M", "16M", "64M", "256M"]))
        elif r2 < 0.35:
            opts.append("pref64-reserve=%s" % rng.choice(["2M", "64M", "1G", "4G", "16G",
                                                          "64G"]))

    def add_container(kind: str):
        if kind == "pcie-root-port":
            parent = root
        elif kind == "pcie-pci-bridge":
            cands = usable(lambda b: b.kind == "pcie-root" or b.is_port)
            if not cands:
                return False
            parent = rng.choice(cands)
        elif kind == "pci-bridge":
            cands = usable(lambda b: b.kind in ("pcie-root", "pci-root", "pci") and b.depth < 3)
            if not cands:
                return False
            parent = rng.choice(cands)
        elif kind == "switch":
            cands = usable(lambda b: b.is_port and b.name.startswith("rp"))
            if not cands:
                return False
            parent = rng.choice(cands)
        else:
            raise ValueError(kind)
        if not parent.free:
            return False
        if kind == "switch":
            up = next_id("up")
            opts = ["x3130-upstream", "id=%s" % up, "bus=%s" % parent.name]
            record(parent, opts, parent.take_auto())
            devices.append(["-device", ",".join(opts)])
            ubus = Bus(up, "switch-up", range(0, 32), parent.depth + 1)
            for _ in range(rng.choice([1, 2, 3])):
                dn = next_id("dn")
                chassis[0] += 1
                opts = ["xio3130-downstream", "id=%s" % dn, "bus=%s" % up,
                        "chassis=%d" % chassis[0], "slot=%d" % chassis[0]]
                place(ubus, opts, 0.2)
                devices.append(["-device", ",".join(opts)])
                buses.append(Bus(dn, "port", [0], parent.depth + 2))
            return True
        chassis[0] += 1
        if kind == "pcie-root-port":
            bid = next_id("rp")
            opts = ["pcie-root-port", "id=%s" % bid, "chassis=%d" % chassis[0],
                    "slot=%d" % chassis[0]]
            reserve_opts(opts, True)
            bus_opt(parent, opts)
            place(parent, opts, 0.3)
            devices.append(["-device", ",".join(opts)])
            buses.append(Bus(bid, "port", [0], 1))
        elif kind == "pcie-pci-bridge":
            bid = next_id("ppb")
            opts = ["pcie-pci-bridge", "id=%s" % bid]
            bus_opt(parent, opts)
            place(parent, opts)
            devices.append(["-device", ",".join(opts)])
            buses.append(Bus(bid, "pci", range(0, 32), parent.depth + 1))
        else:
            bid = next_id("br")
            opts = ["pci-bridge", "id=%s" % bid, "chassis_nr=%d" % chassis[0]]
            if rng.random() < 0.15:
                reserve_opts(opts, False)
            bus_opt(parent, opts)
            place(parent, opts)
            devices.append(["-device", ",".join(opts)])
            buses.append(Bus(bid, "pci", range(0, 32), parent.depth + 1))
        return True

    extra_objects: list[list[str]] = []

    def endpoint_opts(kind: str) -> list:
        if kind == "pci-testdev-big":
            opts = ["pci-testdev"]
            if rng.random() < 0.7:
                opts.append("id=%s" % next_id("gpu"))
            opts.append("membar=%s" % size_str(rng.choice([8, 16, 32, 32, 64, 128]) * GiB))
            return opts
        opts = [kind]
        if rng.random() < 0.7:
            opts.append("id=%s" % next_id("dev"))
        if kind == "pci-testdev":
            if rng.random() < 0.85:
                opts.append("membar=%s" % size_str(_wchoice(rng, MEMBAR_CHOICES)))
        elif kind == "virtio-blk-pci":
            node = next_id("blk")
            if rng.random() < 0.5:
                extra_objects.append(["-blockdev", "null-co,node-name=%s" % node])
            else:
                extra_objects.append(["-drive", "if=none,id=%s,file=null-co://,format=raw"
                                      % node])
            opts.append("drive=%s" % node)
        elif kind == "nvme":
            opts.append("serial=nv%04d" % rng.randint(0, 9999))
            if rng.random() < 0.5:
                node = next_id("nvd")
                extra_objects.append(["-blockdev", "null-co,node-name=%s" % node])
                opts.append("drive=%s" % node)
        elif kind == "VGA":
            if rng.random() < 0.3:
                opts.append("vgamem_mb=%d" % rng.choice([4, 8, 32, 64, 128, 256]))
        elif kind == "bochs-display":
            if rng.random() < 0.3:
                opts.append("vgamem=%s" % rng.choice(["4M", "8M", "32M", "64M"]))
        elif kind == "ivshmem-plain":
            mb = next_id("mb")
            sz = rng.choice([1 * MiB, 4 * MiB, 16 * MiB, 64 * MiB, 256 * MiB, 256 * MiB, 1 * GiB,
                             2 * GiB])
            extra_objects.append(["-object", "memory-backend-ram,id=%s,size=%s,share=on"
                                  % (mb, size_str(sz))])
            opts.append("memdev=%s" % mb)
        return opts

    def add_endpoint(kind: str):
        cands = usable(lambda b: b.kind in ("pcie-root", "pci-root", "pci", "port"))
        # prefer free ports (that is what they are for) some of the time
        ports = [b for b in cands if b.is_port]
        if ports and rng.random() < (0.75 if kind == "pci-testdev-big" else 0.45):
            bus = rng.choice(ports)
        else:
            bus = rng.choice(cands)
        # occasionally a multifunction pair at an explicit address
        if rng.random() < 0.07 and not bus.is_port and bus.free:
            lo = explicit_root_min if bus is root else 0
            cand = [s for s in bus.free if s >= lo]
            if cand:
                s = rng.choice(cand)
                bus.take(s)
                o0 = endpoint_opts(kind)
                bus_opt(bus, o0)
                o0 += ["addr=0x%x.0" % s, "multifunction=on"]
                k2 = rng.choice(["pci-testdev", "virtio-rng-pci", "e1000", "virtio-net-pci"])
                o1 = endpoint_opts(k2)
                fn = rng.randint(1, 7)
                o1 += ["bus=%s" % bus.name, "addr=0x%x.%d" % (s, fn)]
                record(bus, o0, s)
                record(bus, o1, s, fn)
                devices.append(["-device", ",".join(o0)])
                devices.append(["-device", ",".join(o1)])
                return
        opts = endpoint_opts(kind)
        bus_opt(bus, opts)
        place(bus, opts)
        devices.append(["-device", ",".join(opts)])

    # Interleave containers and endpoints: containers must exist before their children.
    pending = (["pcie-root-port"] * n_rp + ["pcie-pci-bridge"] * n_ppb + ["pci-bridge"] * n_pb +
               ["switch"] * n_switch)
    rng.shuffle(pending)
    # root ports first most of the time (that is how people write command lines)
    pending.sort(key=lambda k: 0 if (k == "pcie-root-port" and rng.random() < 0.7) else 1)
    eps = list(kinds)
    while pending or eps:
        if pending and (not eps or rng.random() < 0.6):
            add_container(pending.pop(0))
        else:
            add_endpoint(eps.pop(0))

    for o in extra_objects:
        args += o
    for d in devices:
        args += d
    info["args"] = args
    info["placements"] = placements
    return info


def generate(seed: int, firmware: str = "seabios") -> list:
    return generate_case(seed, firmware)["args"]


def main(argv=None) -> int:
    import argparse
    import shlex
    ap = argparse.ArgumentParser(description="print generated QEMU command lines")
    ap.add_argument("seed", type=int)
    ap.add_argument("count", type=int, nargs="?", default=1)
    ap.add_argument("--firmware", default="seabios", choices=("seabios", "ovmf"))
    ap.add_argument("--info", action="store_true", help="print JSON with the intent")
    ns = ap.parse_args(argv)
    for i in range(ns.count):
        c = generate_case(ns.seed + i, ns.firmware)
        if ns.info:
            print(json.dumps(c))
        else:
            print(" ".join(shlex.quote(a) for a in c["args"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
