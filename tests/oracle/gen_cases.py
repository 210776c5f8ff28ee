#!/usr/bin/env python3
"""Deterministic random generator of QEMU command lines for the aperture oracle sweep.

    generate(seed: int, firmware="seabios", qemu="7.2") -> list[str]     # the qemu args of one case
    generate_case(seed: int, firmware="seabios", qemu="7.2") -> dict     # args + what it meant

Everything is drawn from random.Random(seed), so a seed always gives the same command line.
Cases cover q35 and pc (plus a few versioned machine names), with and without -nodefaults,
RAM sizes around the low/high split points, memory hotplug (slots/maxmem, up to ~1100G so that
QEMU's AMD 1 TiB relocation and phys-bits refusals happen), qemu64 with phys-bits/vendor/pdpe1gb,
pci-hole64-size, nested pcie-root-port / PCIe switch / pcie-pci-bridge / pci-bridge topologies
with resource-reserve properties, and a mix of endpoints.

About 5% of the cases are deliberately refused by QEMU (phys-bits too low); generate_case()
reports them with intent "refuse". Every other case is meant to be accepted by QEMU (the firmware
may still overflow its 32-bit window or panic: that is part of what is tested).

Newer stacks (generate(seed, firmware="seabios-1.17.0", qemu="10.0")) draw from a second stream:
that release's machine types (versioned 7.0 .. the release, and the aliases), phys-bits 36..48
across SeaBIOS 1.16.3+'s trust boundaries with either vendor, CPUs without long mode, the AMD 1 TiB
relocation, AMD phys-bits 40 with RAM above 4G (the padded window lands on the HT hole),
hotplug=off root ports, virtio-balloon more often and (SeaBIOS 1.17.0) opt/org.seabios/pci64.
QEMU 7.2 with SeaBIOS 1.16.2 / OVMF 2022.11 keeps the original stream byte for byte.

With pxb=True (CLI --pxb) each case also gets PCI expander bridges (pxb / pxb-pcie) with devices behind them,
drawn from a second stream after the case is complete: the case without the flag is unchanged.

CLI:  python3 gen_cases.py SEED [COUNT] [--firmware ovmf|seabios-1.17.0|...] [--qemu 10.0] [--pxb] [--strict-boot] [--info]
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


def _ver(v) -> tuple:
    """"10.0" -> (10, 0)"""
    return tuple(int(x) for x in str(v).split("."))


def max_used_gpa(q35: bool, ram: int, maxmem: int, slots: int, hole64: int, amd: bool,
                 amd_hole: bool, lm: bool = True, phys_bits: int = 36, qemu: str = "7.2",
                 machine: str | None = None) -> int:
    """QEMU's pc_max_used_gpa() after the AMD 1 TiB relocation (see firmware-research.md 1.1-1.4).

    QEMU 7.2 (any machine type, and every long-mode CPU on any release): the end of the 64-bit PCI
    hole, or 2^phys_bits - 1 when phys_bits <= 32 (the check cannot fail). QEMU 8.2+ uses the hole
    for every long-mode CPU (phys-bits=32 is refused there) and changed it for CPUs without long
    mode (versions.md A.2, row 8.2): machine types
    up to 8.1 keep `broken_32bit_mem_addr_check` (2^phys_bits - 1: never refused), 8.2+ use the end
    of the memory-hotplug area if there is one, else the end of RAM above 4G. qemu: the binary's
    release; machine: the machine type's version (default the release)."""
    if q35:
        lowmem = 0x80000000 if ram >= 0xB0000000 else 0xB0000000
    else:
        lowmem = 0xC0000000 if ram >= 0xE0000000 else 0xE0000000
    below = min(ram, lowmem)
    above = ram - below
    new_rule = not lm and _ver(qemu) >= (8, 2)
    machine = machine or qemu

    def devmem_end(above_start):
        base = _roundup(above_start + above, GiB)
        return base + (maxmem - ram) + slots * GiB

    def hole64_start(above_start):
        end = above_start + above
        if maxmem > ram:
            return _roundup(devmem_end(above_start), GiB)
        return _roundup(end, GiB)

    def used(above_start):
        if _ver(qemu) < (8, 2) and phys_bits <= 32:
            return (1 << phys_bits) - 1      # 7.2: "32-bit systems don't have hole64"
        if not new_rule:
            return hole64_start(above_start) + hole64 - 1
        if _ver(machine) < (8, 2):
            return (1 << phys_bits) - 1
        if maxmem > ram:
            return devmem_end(above_start) - 1
        return above_start + above - 1

    mu = used(4 * GiB)
    if amd and amd_hole and mu >= 0xFD00000000:
        mu = used(TiB)
    return mu


def cpu_options(lm: bool, phys_bits, intel: bool, pdpe1gb: bool) -> list:
    """The -cpu qemu64 properties a case sets, in the order both streams write them."""
    opts = [] if lm else ["lm=off"]
    if phys_bits is not None:
        opts.append("phys-bits=%d" % phys_bits)
    if intel:
        opts.append("vendor=GenuineIntel")
    if pdpe1gb:
        opts.append("pdpe1gb=on")
    return opts


def add_cpu(args: list, rng, ovmf: bool, refuse: bool, need: int, lm: bool, phys_bits, intel: bool,
            pdpe1gb: bool) -> None:
    """Appends the case's -cpu option (sometimes a bare qemu64), keeping OVMF cases bootable: 1G pages
    whenever the address space must exceed 40 bits, never above 43 bits."""
    if ovmf and not refuse and need > 40:
        pdpe1gb = True
    if ovmf and pdpe1gb and phys_bits is not None and phys_bits > 43:
        pdpe1gb = False
    cpu_opts = cpu_options(lm, phys_bits, intel, pdpe1gb)
    if cpu_opts or rng.random() < 0.3:
        args += ["-cpu", ",".join(["qemu64"] + cpu_opts)]


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
# Newer stacks: virtio-balloon-pci more often (a 10.0+ machine type gives it an MSI-X BAR1).
ENDPOINT_WEIGHTS_NEW = [(k, 12 if k == "virtio-balloon-pci" else w) for k, w in ENDPOINT_WEIGHTS]

# Versioned machine types per QEMU release, oldest first (7.0 is the oldest the generator uses).
MACHINE_VERSIONS = ["7.0", "7.1", "7.2", "8.0", "8.1", "8.2", "9.0", "9.1", "9.2", "10.0", "10.1",
                    "10.2", "11.0", "11.1"]
QEMU_RELEASES = ("7.2", "10.0", "11.1")


def machine_versions(qemu: str) -> list:
    """The versioned pc-q35-X.Y / pc-i440fx-X.Y the generator draws for a QEMU release."""
    if qemu not in QEMU_RELEASES:
        raise ValueError("unknown QEMU release %r (known: %s)" % (qemu, ", ".join(QEMU_RELEASES)))
    return [v for v in MACHINE_VERSIONS if _ver(v) <= _ver(qemu)]


# phys-bits of newer stacks: SeaBIOS 1.16.3+ trusts pb >= 41, Intel 36/39, AMD 40 (None: default 40)
PHYS_BITS_NEW = [(None, 3), (36, 3), (37, 1), (38, 1), (39, 3), (40, 3), (41, 3), (42, 1), (43, 1),
                 (44, 3), (45, 2), (46, 2), (47, 2), (48, 2)]
PCI64_STRINGS = ["on", "off", "yes", "no", "1", "0"]


def _split_firmware(firmware: str) -> tuple:
    """"seabios" -> ("seabios", None); "seabios-1.16.3" -> ("seabios", "1.16.3")"""
    kind, _, version = firmware.partition("-")
    if kind not in ("seabios", "ovmf"):
        raise ValueError("firmware must be seabios or ovmf, optionally with a release (seabios-1.17.0)")
    return kind, version or None


LEGACY_FIRMWARE = {"seabios": (None, "1.16.2"), "ovmf": (None, "2022.11")}

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


def _cpu_new(rng, info, args, ovmf, fw_version, qemu, q35, machine_version, amd_hole,
             scenario, ram, maxmem, slots, hole64):
    """The CPU (and fw_cfg knobs) of a newer stack's case: phys-bits across SeaBIOS 1.16.3+'s
    trust boundaries (>= 41; GenuineIntel 36/39; AuthenticAMD 40; qemu64 is AMD under TCG), some
    CPUs without long mode, QEMU's refusal predicted by max_used_gpa for this release."""
    lm = scenario != "lm-off"
    intel = scenario not in ("ht", "tib") and rng.random() < 0.35
    pdpe1gb = rng.random() < (0.4 if ovmf else 0.15)

    def need_for(lm_, pb_):
        return bits_needed(max_used_gpa(q35, ram, maxmem, slots, hole64, not intel, amd_hole,
                                        lm=lm_, phys_bits=pb_, qemu=qemu, machine=machine_version))

    if not lm and need_for(False, 36) > 36:
        lm = rng.random() < 0.7   # mostly keep the case bootable; else a deliberate refusal
        if not lm:
            info["lm_off_refusal"] = True
    need = need_for(True, 40)
    top = 43 if ovmf else 48
    phys_bits = None
    refuse = False
    if not lm:
        need = need_for(False, 36)
        refuse = need > 36
    elif scenario == "ht":
        phys_bits = rng.choice([None, 40])
        if need > 40:
            phys_bits = need
    elif rng.random() < 0.025:
        phys_bits = 32      # 7.2: QEMU skips its check; 8.2+: refused ("phys-bits too low (32)")
    elif rng.random() < 0.05 and need > 33:
        refuse = True
        if need > 40 and rng.random() < 0.5:
            phys_bits = None                      # the default 40 is too low
        else:
            phys_bits = rng.randint(max(33, need - 3), need - 1)
    else:
        cands = [(b, w) for b, w in PHYS_BITS_NEW if (b or 40) >= need and (b or 40) <= top]
        phys_bits = _wchoice(rng, cands) if cands else max(need, 36)
    add_cpu(args, rng, ovmf, refuse, need, lm, phys_bits, intel, pdpe1gb)
    eff_bits = 36 if not lm else (phys_bits if phys_bits is not None else 40)
    need = need_for(lm, eff_bits)
    info["intent"] = "refuse" if eff_bits < need else "ok"
    info["phys_bits"] = eff_bits
    info["lm"] = lm
    info["vendor"] = "GenuineIntel" if intel else "AuthenticAMD"
    info["max_used_gpa"] = "0x%x" % max_used_gpa(q35, ram, maxmem, slots, hole64, not intel,
                                                 amd_hole, lm=lm, phys_bits=eff_bits, qemu=qemu,
                                                 machine=machine_version)
    # QEMU 9.1+ takes guest-phys-bits (CPUID 0x80000008 EAX[23:16]), which OVMF 202408+ trusts and
    # caps phys-bits with; under TCG only an explicit value reaches the guest.
    if ovmf and lm and not refuse and _ver(qemu) >= _ver("9.1") and rng.random() < 0.35:
        # at least one bit above QEMU's highest address: a narrower width leaves RAM or the classic
        # window beyond what OVMF maps, and it never finishes booting (aperture predicts that, but a
        # hang is no evidence)
        lo = min(eff_bits, max(32, bits_needed(int(info["max_used_gpa"], 16)) + 1))
        gpb = rng.choice([b for b in (32, 36, 39, 40) if b >= lo] + [eff_bits, eff_bits, rng.randint(lo, eff_bits)])
        gpb = min(gpb, eff_bits)
        cpu_at = args.index("-cpu") + 1 if "-cpu" in args else None
        if cpu_at is None:
            args += ["-cpu", "qemu64,guest-phys-bits=%d" % gpb]
        else:
            args[cpu_at] += ",guest-phys-bits=%d" % gpb
        info["guest_phys_bits"] = gpb
    if ovmf and rng.random() < 0.2:
        args += ["-fw_cfg", "name=opt/ovmf/X-PciMmio64Mb,string=%d"
                 % rng.choice([0, 1024, 4096, 16384, 32768, 65536, 131072, 262144])]
    # SeaBIOS 1.17.0 reads opt/org.seabios/pci64 (romfile_loadbool: on/yes/1, off/no/0)
    if not ovmf and fw_version == "1.17.0" and rng.random() < 0.25:
        v = rng.choice(PCI64_STRINGS)
        args += ["-fw_cfg", "name=opt/org.seabios/pci64,string=%s" % v]
        info["pci64"] = v


def generate_case(seed: int, firmware: str = "seabios", qemu: str = "7.2", pxb: bool = False,
                  strict_boot: bool = False) -> dict:
    """pxb=True adds PCI expander bridges (pxb on pc, pxb-pcie on q35) with devices behind them, drawn from a
    second stream after the case is complete, so every other draw, and every case without the flag, stays the
    same. strict_boot=True likewise adds -boot strict=on and bootindex= on some of the devices that take one."""
    info = _generate_case(seed, firmware, qemu)
    if pxb and info.get("intent") != "refuse":
        _add_expanders(info, seed)
    if strict_boot and info.get("intent") != "refuse":
        _add_strict_boot(info, seed)
    return info


# Devices of the generator that have a bootindex property (the others refuse one).
BOOTABLE_DRIVERS = ("virtio-blk-pci", "nvme", "virtio-net-pci", "e1000", "e1000e", "rtl8139")


def _add_strict_boot(info: dict, seed: int) -> None:
    """SeaBIOS under -boot strict=on skips virtio-blk, virtio-scsi and NVMe controllers the bootorder does not
    name, once any device has a bootindex. Gives a random subset of the bootable devices distinct indices
    (sometimes none: then QEMU's bootorder has no HALT and nothing is skipped)."""
    rng = random.Random(seed * 1000003 + 0xb007)
    args = info["args"]
    bootable = [i + 1 for i, a in enumerate(args[:-1])
                if a == "-device" and args[i + 1].split(",")[0] in BOOTABLE_DRIVERS]
    # Storage controllers mostly without one (those are what SeaBIOS skips), NICs more often with one.
    chosen = [i for i in bootable if rng.random() < (0.3 if args[i].split(",")[0] in ("virtio-blk-pci", "nvme") else 0.6)]
    if not chosen and bootable and rng.random() < 0.7:
        chosen = [rng.choice(bootable)]
    indices = rng.sample(range(0, 10), len(chosen)) if len(chosen) <= 10 else list(range(len(chosen)))
    for i, index in zip(chosen, indices):
        args[i] += ",bootindex=%d" % index
    args += ["-boot", rng.choice(["strict=on", "order=c,strict=on", "menu=on,strict=on", "strict=on,order=n"])]
    info["strict_boot"] = {"bootindex": len(chosen)}


PXB_ENDPOINTS = [("pci-testdev", 4), ("e1000", 3), ("virtio-net-pci", 3), ("rtl8139", 1), ("nvme", 2),
                 ("pci-testdev-64", 2)]


def _add_expanders(info: dict, seed: int) -> None:
    """Appends 1-2 expanders (after every other device: a -device without bus= lands on the newest expander's
    root bus) with bus_nr above the bus numbers the main root bus can use, and devices behind them."""
    rng = random.Random(seed * 1000003 + 0x5b5)
    args = info["args"]
    q35 = any(a in ("q35",) or a.startswith("pc-q35") or a.startswith("q35,") for a in args)
    devices = [args[i + 1] for i in range(len(args) - 1) if args[i] == "-device"]
    bridges = sum(1 for d in devices if d.split(",")[0] in ("pcie-root-port", "pci-bridge", "pcie-pci-bridge",
                                                             "x3130-upstream", "xio3130-downstream"))
    reserve = sum(int(o.partition("=")[2]) for d in devices for o in d.split(",") if o.startswith("bus-reserve="))
    next_nr = bridges + reserve + 2 + rng.randint(0, 24)
    extra = []
    n_pxb = _wchoice(rng, [(1, 3), (2, 2)])
    chassis = 200
    for k in range(n_pxb):
        pid = "pxb%d" % (k + 1)
        bus_nr = min(next_nr, 0xf0 - 0x10 * (n_pxb - k))
        root = "pcie.0" if q35 else "pci.0"
        extra += ["-device", "%s,id=%s,bus_nr=%d,bus=%s" % ("pxb-pcie" if q35 else "pxb", pid, bus_nr, root)]
        n_dev = _wchoice(rng, [(0, 1), (1, 3), (2, 3), (3, 2)])
        used = 1
        for j in range(n_dev):
            kind = _wchoice(rng, PXB_ENDPOINTS)
            opts = ["pci-testdev" if kind.startswith("pci-testdev") else kind]
            if kind == "pci-testdev":
                opts.append("membar=%s" % size_str(rng.choice([1, 16, 64, 256]) * MiB))
            elif kind == "pci-testdev-64":
                opts.append("membar=%s" % size_str(rng.choice([1, 2, 4, 8]) * GiB))
            elif kind == "nvme":
                opts.append("serial=px%04d" % rng.randint(0, 9999))
            if q35:
                chassis += 1
                port = "%sp%d" % (pid, j)
                extra += ["-device", "pcie-root-port,id=%s,bus=%s,chassis=%d" % (port, pid, chassis)]
                used += 1
                if kind in ("e1000", "rtl8139") and rng.random() < 0.5:
                    ppb = port + "b"
                    extra += ["-device", "pcie-pci-bridge,id=%s,bus=%s" % (ppb, port)]
                    used += 1
                    opts += ["bus=%s" % ppb, "addr=%d" % rng.randint(1, 5)]
                else:
                    opts.append("bus=%s" % port)
            else:
                if rng.random() < 0.2:
                    chassis += 1
                    br = "%sb%d" % (pid, j)
                    extra += ["-device", "pci-bridge,id=%s,bus=%s,chassis_nr=%d,addr=%d" % (br, pid, chassis, 0x10 + j)]
                    used += 1
                    opts += ["bus=%s" % br, "addr=%d" % rng.randint(1, 5)]
                else:
                    opts += ["bus=%s" % pid, "addr=%d" % (j + 1)]
            extra += ["-device", ",".join(opts)]
        next_nr = bus_nr + used + 1 + rng.randint(0, 32)
    args += extra
    info["pxb"] = n_pxb


def _generate_case(seed: int, firmware: str = "seabios", qemu: str = "7.2") -> dict:
    """firmware: seabios / ovmf, optionally with the release (seabios-1.17.0, ovmf-2025.02); qemu:
    the QEMU release ("7.2", "10.0", "11.1"). QEMU 7.2 with SeaBIOS 1.16.2 or OVMF 2022.11 (or a bare
    seabios/ovmf) draws the original stream, unchanged seed for seed; every other stack draws the
    newer stream (machine types of that release, SeaBIOS phys-bits trust boundaries, lm=off, the
    AMD 1 TiB relocation, HT-hole collisions, hotplug=off ports, opt/org.seabios/pci64)."""
    rng = random.Random(seed)
    kind, fw_version = _split_firmware(firmware)
    ovmf = kind == "ovmf"
    machine_versions(qemu)   # validates the release
    ext = not (qemu == "7.2" and fw_version in LEGACY_FIRMWARE[kind])
    args: list[str] = []
    info: dict = {"seed": seed, "firmware": firmware if ext else kind}
    if ext:
        info["qemu"] = qemu

    # ---- machine -------------------------------------------------------------------------
    q35 = rng.random() < 0.6
    if not ext:
        if q35:
            machine = "q35" if rng.random() < 0.85 else rng.choice(["pc-q35-7.2", "pc-q35-7.1",
                                                                    "pc-q35-7.0"])
        else:
            machine = "pc" if rng.random() < 0.85 else rng.choice(["pc-i440fx-7.2", "pc-i440fx-7.1",
                                                                   "pc-i440fx-7.0"])
        machine_version = "7.2" if machine in ("q35", "pc") else machine.rsplit("-", 1)[1]
    else:
        # the alias (= the newest) or any versioned type of this release, old and new alike
        if rng.random() < 0.4:
            machine, machine_version = ("q35" if q35 else "pc"), qemu
        else:
            machine_version = rng.choice(machine_versions(qemu))
            machine = ("pc-q35-" if q35 else "pc-i440fx-") + machine_version
        info["machine_version"] = machine_version
    amd_hole = not machine.endswith("7.0")
    args += ["-machine", machine]
    nodefaults = rng.random() < 0.85
    if nodefaults:
        args.append("-nodefaults")

    # ---- memory --------------------------------------------------------------------------
    # newer stacks: a scenario first. "ht": AMD with phys-bits 40 and RAM above 4G (SeaBIOS
    # 1.16.3+ pads the 64-bit window onto the HyperTransport hole and moves it); "tib": RAM above
    # 4G relocated above 1 TiB (AMD, maxmem ~1 TiB); "lm-off": a CPU without long mode.
    scenario = "random"
    if ext:
        scenario = _wchoice(rng, [("random", 14), ("ht", 3), ("tib", 2),
                                  ("lm-off", 0 if ovmf else 2)])
        info["scenario"] = scenario
    r = rng.random()
    if scenario in ("ht", "tib"):
        ram_mb = rng.choice([4096, 5120, 6144, 8192, 12288] if q35 else [5120, 6144, 8192, 12288])
    elif r < 0.3:
        ram_mb = rng.choice([512, 1024, 1536, 2047, 2048, 2049, 2815, 2816, 2817, 3071, 3072,
                             3073, 3328, 3583, 3584, 3585, 3840, 4096])
    elif r < 0.8:
        ram_mb = rng.choice([512, 1024, 2048, 3072, 4096, 6144, 8192, 12288])
    else:
        ram_mb = rng.randint(512, 12288)
    ram = ram_mb * MiB
    slots, maxmem = 0, ram
    mem_arg = size_str(ram)
    if scenario == "tib":
        slots = rng.choice([1, 1, 2, 4])
        maxmem = rng.choice([1010, 1024, 1100]) * GiB
        mem_arg += ",slots=%d,maxmem=%s" % (slots, size_str(maxmem))
    elif scenario == "ht":
        pass
    elif rng.random() < (0.2 if ext else 0.15):
        slots = rng.choice([1, 2, 4, 8])
        if rng.random() < 0.7 or scenario == "lm-off":
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
    if ext:
        _cpu_new(rng, info, args, ovmf, fw_version, qemu, q35, machine_version, amd_hole,
                 scenario, ram, maxmem, slots, hole64)
    else:
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
        add_cpu(args, rng, ovmf, refuse, need, True, phys_bits, intel, pdpe1gb)
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
        k = _wchoice(rng, ENDPOINT_WEIGHTS_NEW if ext else ENDPOINT_WEIGHTS)
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
        # a bus whose slot 0 QEMU refuses: QEMU's automatic choice would be slot 0, so addr= always
        if getattr(bus, "needs_addr", False) or rng.random() < want_explicit:
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

    bus_parent: dict = {}    # bus (bridge id) -> the bus the bridge sits on
    bus_reserve: dict = {}   # bridge id -> its bus-reserve
    no_hotplug: set = set()  # root ports with hotplug=off

    def conventional_slots(parent):
        """Device numbers of a new pci-bridge / pcie-pci-bridge bus. QEMU 7.2 refuses a device in
        slot 0 of such a bridge (its SHPC is the hotplug handler: "Unsupported PCI slot 0 for
        standard hotplug controller") when a root port with hotplug=off is above it; 10.0 and
        11.1 accept it (any machine type)."""
        if ext and qemu == "7.2":
            b = parent.name
            while True:
                if b in no_hotplug:
                    return range(1, 32)
                if b not in bus_parent:
                    break
                b = bus_parent[b]
        return range(0, 32)

    def _note_reserve(bid, opts):
        for o in opts:
            if o.startswith("bus-reserve="):
                bus_reserve[bid] = int(o.partition("=")[2])

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
            bus_parent[up] = parent.name
            for _ in range(rng.choice([1, 2, 3])):
                dn = next_id("dn")
                chassis[0] += 1
                opts = ["xio3130-downstream", "id=%s" % dn, "bus=%s" % up,
                        "chassis=%d" % chassis[0], "slot=%d" % chassis[0]]
                place(ubus, opts, 0.2)
                devices.append(["-device", ",".join(opts)])
                buses.append(Bus(dn, "port", [0], parent.depth + 2))
                bus_parent[dn] = up
            return True
        chassis[0] += 1
        if kind == "pcie-root-port":
            bid = next_id("rp")
            opts = ["pcie-root-port", "id=%s" % bid, "chassis=%d" % chassis[0],
                    "slot=%d" % chassis[0]]
            if ext and rng.random() < 0.2:
                opts.append("hotplug=off")   # SeaBIOS pads only hotplug-capable ports
                no_hotplug.add(bid)
            reserve_opts(opts, True)
            bus_opt(parent, opts)
            place(parent, opts, 0.3)
            devices.append(["-device", ",".join(opts)])
            buses.append(Bus(bid, "port", [0], 1))
            bus_parent[bid] = parent.name
            _note_reserve(bid, opts)
        elif kind == "pcie-pci-bridge":
            bid = next_id("ppb")
            opts = ["pcie-pci-bridge", "id=%s" % bid]
            bus_opt(parent, opts)
            place(parent, opts)
            devices.append(["-device", ",".join(opts)])
            buses.append(Bus(bid, "pci", conventional_slots(parent), parent.depth + 1))
            buses[-1].needs_addr = 0 not in buses[-1].free
            bus_parent[bid] = parent.name
            _note_reserve(bid, opts)
        else:
            bid = next_id("br")
            opts = ["pci-bridge", "id=%s" % bid, "chassis_nr=%d" % chassis[0]]
            if rng.random() < 0.15:
                reserve_opts(opts, False)
            bus_opt(parent, opts)
            place(parent, opts)
            devices.append(["-device", ",".join(opts)])
            buses.append(Bus(bid, "pci", conventional_slots(parent), parent.depth + 1))
            buses[-1].needs_addr = 0 not in buses[-1].free
            bus_parent[bid] = parent.name
            _note_reserve(bid, opts)
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

    # SeaBIOS (1.16.2 .. 1.17.0) and a bridge's bus-reserve R (QEMU's resource-reserve capability):
    # the bridge's buses are secondary .. secondary + R when R covers the buses found below it,
    # but when those need more (R < span) the subordinate bus is set to R itself, so query-pci
    # cannot reach the buses below, and SeaBIOS's bus counter restarts from R, so bridges
    # enumerated later reuse bus numbers. The newer streams raise such a bus-reserve to the span
    # (no draw changes); the original stream keeps its command lines and claims no placement for
    # any device behind a bridge (where those end up is the model's question).
    under = []

    def consumed(bid):
        """bus numbers the bridge bid takes (its secondary bus and everything below)"""
        span = 1 + sum(consumed(c) for c in bus_parent if bus_parent[c] == bid)
        res = bus_reserve.get(bid)
        if res is None:
            return span
        if res < span:
            under.append((bid, span))
            if not ext:
                return span
            bus_reserve[bid] = res = span
        return res + 1

    for top in [b for b in bus_parent if bus_parent[b] == root.name]:
        consumed(top)
    unchecked = []
    for bid, span in under:
        if ext:
            for d in devices:
                opts = d[1].split(",")
                if "id=%s" % bid in opts:
                    d[1] = ",".join("bus-reserve=%d" % span if o.startswith("bus-reserve=") else o
                                    for o in opts)
        else:
            for dev_id, (bus, _, _) in sorted(placements.items()):
                if bus != root.name and dev_id not in unchecked:
                    unchecked.append(dev_id)
    for dev_id in unchecked:
        del placements[dev_id]
    if unchecked:
        info["unchecked_placements"] = unchecked
    for o in extra_objects:
        args += o
    for d in devices:
        args += d
    info["args"] = args
    info["placements"] = placements
    return info


def generate(seed: int, firmware: str = "seabios", qemu: str = "7.2", pxb: bool = False) -> list:
    return generate_case(seed, firmware, qemu, pxb)["args"]


def main(argv=None) -> int:
    import argparse
    import shlex
    ap = argparse.ArgumentParser(description="print generated QEMU command lines")
    ap.add_argument("seed", type=int)
    ap.add_argument("count", type=int, nargs="?", default=1)
    ap.add_argument("--firmware", default="seabios",
                    help="seabios or ovmf, optionally with the release (seabios-1.17.0)")
    ap.add_argument("--qemu", default="7.2", choices=QEMU_RELEASES, help="QEMU release")
    ap.add_argument("--info", action="store_true", help="print JSON with the intent")
    ap.add_argument("--pxb", action="store_true", help="add PCI expander bridges (a separate stream: other draws unchanged)")
    ap.add_argument("--strict-boot", action="store_true",
                    help="add -boot strict=on and bootindex= values (a separate stream: other draws unchanged)")
    ns = ap.parse_args(argv)
    for i in range(ns.count):
        c = generate_case(ns.seed + i, ns.firmware, ns.qemu, ns.pxb, ns.strict_boot)
        if ns.info:
            print(json.dumps(c))
        else:
            print(" ".join(shlex.quote(a) for a in c["args"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
