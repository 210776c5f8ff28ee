#!/usr/bin/env python3
"""Deterministic random libvirt domains for the libvirt oracle (real libvirt's domxml-to-native).

    generate(seed: int) -> str          # the domain XML of one case
    generate_case(seed: int) -> dict    # {"seed", "xml", "features": [what the domain exercises]}

Everything is drawn from random.Random(seed), so a seed always gives the same domain. The domains are
what users write (virt-manager, virt-install, hand edits): pc and q35 (the alias or a versioned machine
Debian 12's QEMU 7.2 has), memory in every unit libvirt accepts, vCPUs with and without a topology,
<cpu> modes with <maxphysaddr>, PCI controllers (pcie-root-port with and without an <address>, switch
upstream/downstream ports, pcie-to-pci-bridge, pci-bridge, dmi-to-pci-bridge), USB/SCSI/SATA/
virtio-serial controllers, NICs of every model, disks on every bus, video, balloon, RNG, watchdog,
input, sound, and VFIO host devices of the fixture host (HOSTDEV_ADDRESSES). Most devices carry no
<address>: libvirt places them, and that placement is what the oracle checks.

Every domain is of type 'qemu' (TCG: libvirt then needs no /dev/kvm) and has <acpi/> (without it the
command line says acpi=off, a SeaBIOS mode aperture does not model). Host devices name their driver
(<driver name='vfio'/>): without it libvirt 9.0 looks for /dev/vfio and refuses ("invalid PCI passthrough
type 'default'") on a machine without VFIO.

CLI:  python3 gen_domains.py SEED [COUNT]      # prints the domains, one after the other
"""

from __future__ import annotations

import random
import sys
from xml.sax.saxutils import quoteattr

# The fixture host's passthrough GPUs (tests/fixtures/host/snapshots/intel-i7-12700-rtx4090.json has
# one; h100-8gpu-server.json has eight H100s at these addresses). The oracle plans with that snapshot.
HOST_SNAPSHOT = "tests/fixtures/host/snapshots/h100-8gpu-server.json"
HOSTDEV_ADDRESSES = ["0000:18:00.0", "0000:19:00.0", "0000:3a:00.0", "0000:3b:00.0",
                     "0000:9a:00.0", "0000:9b:00.0", "0000:ba:00.0", "0000:bb:00.0"]

# Machine types both Debian 12's QEMU 7.2 (libvirt asks it) and aperture know.
PC_MACHINES = ["pc", "pc", "pc-i440fx-7.2", "pc-i440fx-7.1", "pc-i440fx-7.0"]
Q35_MACHINES = ["q35", "q35", "q35", "pc-q35-7.2", "pc-q35-7.1", "pc-q35-7.0"]

# About one domain in seven also gets devices aperture's device catalog does not model yet (cirrus,
# sound, i6300esb, EHCI, lsilogic, vmxnet3, dmi-to-pci-bridge, a second AHCI): libvirt accepts them
# and aperture must refuse them the same way for the XML and for libvirt's command line.
UNMODELLED_SHARE = 0.15

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30


class Domain:
    """Collects a domain's <devices> children and what they exercise."""

    def __init__(self, rng: random.Random, q35: bool):
        self.rng = rng
        self.q35 = q35
        self.devices: list[str] = []
        self.features: list[str] = []
        self.next_controller = {"pci": 1, "usb": 0, "scsi": 0, "sata": 1 if q35 else 0, "virtio-serial": 0}
        # Buses a device may be given an explicit address on: (controller index, first slot, last slot).
        self.pcie_ports: list[int] = []   # root ports / downstream ports: slot 0 only
        self.pci_buses: list[int] = []    # pci-bridge / pcie-to-pci-bridge buses: slots 1..31
        self.used: set[tuple[int, int]] = set()
        self.disk_letters = {"vd": 0, "sd": 0, "hd": 0}
        self.unmodelled = rng.random() < UNMODELLED_SHARE

    def pick(self, modelled: list[str], unmodelled: list[str]) -> str:
        """A choice among `modelled`, or, in a domain with unmodelled devices, among both lists."""
        return self.rng.choice(modelled + (unmodelled if self.unmodelled else []))

    def add(self, xml: str, feature: str) -> None:
        self.devices.append(xml)
        self.features.append(feature)

    def controller_index(self, type_: str) -> int:
        index = self.next_controller[type_]
        self.next_controller[type_] += 1
        return index

    def free_slot_on_root(self) -> int | None:
        first, last = (2, 0x1e) if self.q35 else (3, 0x1f)
        free = [s for s in range(first, last) if (0, s) not in self.used]
        return self.rng.choice(free) if free else None


def pci_address(bus: int, slot: int, function: int = 0, multifunction: bool = False) -> str:
    mf = " multifunction='on'" if multifunction else ""
    return (f"<address type='pci' domain='0x0000' bus='0x{bus:02x}' slot='0x{slot:02x}' "
            f"function='0x{function:x}'{mf}/>")


def maybe_address(d: Domain, pcie_endpoint: bool) -> str:
    """An explicit address on a bus the domain has (a free one), or '' (libvirt places it) mostly."""
    if d.rng.random() > 0.2:
        return ""
    choices = []
    if pcie_endpoint:
        choices += [("port", b) for b in d.pcie_ports if (b, 0) not in d.used]
    choices += [("bridge", b) for b in d.pci_buses]
    if not d.q35:
        choices.append(("root", 0))
    if not choices:
        return ""
    kind, bus = d.rng.choice(choices)
    if kind == "port":
        slot = 0
    elif kind == "root":
        slot = d.free_slot_on_root()
        if slot is None:
            return ""
    else:
        free = [s for s in range(1, 32) if (bus, s) not in d.used]
        if not free:
            return ""
        slot = d.rng.choice(free)
    d.used.add((bus, slot))
    d.features.append("explicit-address")
    return pci_address(bus, slot)


def memory_element(rng: random.Random) -> tuple[str, str]:
    mib = rng.choice([256, 512, 1024, 1536, 2048, 2560, 2816, 3072, 3584, 4096, 6144, 8192, 16384, 65536])
    unit = rng.choice(["KiB", "MiB", "GiB", "M", "G", "b", "KB"])
    if unit in ("GiB", "G") and mib % 1024:
        unit = "MiB"
    value = {"KiB": mib * 1024, "MiB": mib, "M": mib, "GiB": mib // 1024, "G": mib // 1024,
             "b": mib * MiB, "KB": mib * MiB // 1000}[unit]
    if unit == "KB" and (mib * MiB) % 1000:
        unit, value = "KiB", mib * 1024
    memory = f"<memory unit='{unit}'>{value}</memory>"
    current = f"<currentMemory unit='MiB'>{mib // 2}</currentMemory>" if rng.random() < 0.2 else ""
    return memory + current, f"memory-{mib}M"


def vcpu_and_cpu(rng: random.Random) -> tuple[str, list[str]]:
    features = []
    vcpus = rng.choice([1, 1, 2, 2, 4, 8])
    vcpu = f"<vcpu placement='static'>{vcpus}</vcpu>"
    topology = ""
    if rng.random() < 0.4:
        threads = rng.choice([t for t in (1, 2) if vcpus % t == 0])
        cores = rng.choice([c for c in (1, 2, 4) if (vcpus // threads) % c == 0])
        sockets = vcpus // threads // cores
        topology = f"<topology sockets='{sockets}' dies='1' cores='{cores}' threads='{threads}'/>"
        features.append("topology")
    mode = rng.choice(["none", "none", "custom", "maximum"])  # host-passthrough: TCG refuses it
    maxphys = ""
    r = rng.random()
    if mode != "none" and r < 0.5:
        if r < 0.35:
            maxphys = f"<maxphysaddr mode='emulate' bits='{rng.choice([36, 39, 40, 42, 43, 46, 48])}'/>"
            features.append("maxphysaddr-emulate")
        elif r < 0.42:
            maxphys = "<maxphysaddr mode='passthrough'/>"
            features.append("maxphysaddr-passthrough")
        elif r < 0.46:
            maxphys = "<maxphysaddr mode='passthrough' limit='39'/>"  # libvirt 9.0 ignores limit=
            features.append("maxphysaddr-limit")
        elif r < 0.48:
            maxphys = "<maxphysaddr mode='emulate'/>"
            features.append("maxphysaddr-emulate-bare")
        else:
            maxphys = "<maxphysaddr mode='passthrough' bits='42'/>"
            features.append("maxphysaddr-passthrough-bits")
    if mode == "none":
        if not topology:
            return vcpu, features
        return vcpu + f"<cpu>{topology}</cpu>", features
    features.append(f"cpu-{mode}")
    if mode == "custom":
        model = rng.choice(["qemu64", "Nehalem", "Skylake-Client", "EPYC", "Haswell-noTSX"])
        body = f"<model fallback='forbid'>{model}</model>{topology}{maxphys}"
        return vcpu + f"<cpu mode='custom' match='exact' check='none'>{body}</cpu>", features
    return vcpu + f"<cpu mode='{mode}' check='none'>{topology}{maxphys}</cpu>", features


def pci_controllers(d: Domain) -> None:
    rng = d.rng
    if d.q35:
        ports = rng.choice([0, 0, 1, 2, 3, 4, 6, 9])
        explicit = rng.random() < 0.4
        for i in range(ports):
            index = d.controller_index("pci")
            address = ""
            if explicit:
                address = pci_address(0, 2 + i // 8, i % 8, multifunction=(i % 8 == 0))
                d.used.add((0, 2 + i // 8))
            target = ""
            if rng.random() < 0.2:
                target = f"<target chassis='{index}' port='0x{0x10 + i:x}'/>"
                d.features.append("root-port-target")
            if rng.random() < 0.1:
                target = "<target hotplug='off'/>"
                d.features.append("root-port-hotplug-off")
            model = "<model name='pcie-root-port'/>" if rng.random() < 0.5 else ""
            d.add(f"<controller type='pci' index='{index}' model='pcie-root-port'>{model}{target}{address}</controller>",
                  "pcie-root-port" + ("-addressed" if explicit else ""))
            d.pcie_ports.append(index)
        if rng.random() < 0.25:
            # A switch: its upstream port in a root port of its own, 1..3 downstream ports.
            root = d.controller_index("pci")
            d.add(f"<controller type='pci' index='{root}' model='pcie-root-port'/>", "pcie-root-port")
            up = d.controller_index("pci")
            d.add(f"<controller type='pci' index='{up}' model='pcie-switch-upstream-port'>"
                  f"{pci_address(root, 0)}</controller>", "pcie-switch-upstream-port")
            for slot in range(rng.choice([1, 2, 3])):
                down = d.controller_index("pci")
                address = pci_address(up, slot) if rng.random() < 0.5 else ""
                d.add(f"<controller type='pci' index='{down}' model='pcie-switch-downstream-port'>{address}</controller>",
                      "pcie-switch-downstream-port")
                if address:
                    d.pcie_ports.append(down)
        if rng.random() < 0.2:
            index = d.controller_index("pci")
            d.add(f"<controller type='pci' index='{index}' model='pcie-to-pci-bridge'/>", "pcie-to-pci-bridge")
            d.pci_buses.append(index)
            if rng.random() < 0.3:
                bridge = d.controller_index("pci")
                d.add(f"<controller type='pci' index='{bridge}' model='pci-bridge'>{pci_address(index, 1)}</controller>",
                      "pci-bridge-on-pcie-to-pci-bridge")
                d.used.add((index, 1))
                d.pci_buses.append(bridge)
        if d.unmodelled and rng.random() < 0.3:
            index = d.controller_index("pci")
            d.add(f"<controller type='pci' index='{index}' model='dmi-to-pci-bridge'/>", "dmi-to-pci-bridge")
            d.pci_buses.append(index)
    else:
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
            index = d.controller_index("pci")
            address = ""
            if rng.random() < 0.4:
                slot = d.free_slot_on_root()
                address = pci_address(0, slot)
                d.used.add((0, slot))
            d.add(f"<controller type='pci' index='{index}' model='pci-bridge'>{address}</controller>", "pci-bridge")
            d.pci_buses.append(index)


def other_controllers(d: Domain) -> None:
    rng = d.rng
    usb = d.pick(["default", "default", "none", "qemu-xhci", "piix3-uhci", "nec-xhci"], ["ehci", "ich9-ehci1"])
    if usb == "default":
        d.add("<controller type='usb' index='0'/>", "usb-default")
    elif usb == "none":
        d.add("<controller type='usb' index='0' model='none'/>", "usb-none")
    else:
        d.add(f"<controller type='usb' index='0' model='{usb}'>{maybe_address(d, usb.endswith('xhci'))}</controller>",
              f"usb-{usb}")
    d.usb = usb != "none"
    d.scsi = None
    if rng.random() < 0.3:
        model = d.pick(["virtio-scsi"], ["lsilogic"])
        d.add(f"<controller type='scsi' index='0' model='{model}'>{maybe_address(d, model == 'virtio-scsi')}</controller>",
              f"scsi-{model}")
        d.scsi = model
    if d.unmodelled and rng.random() < 0.3:
        d.add(f"<controller type='sata' index='{d.controller_index('sata')}'/>", "sata-controller")
    if rng.random() < 0.25:
        d.add(f"<controller type='virtio-serial' index='0'>{maybe_address(d, True)}</controller>", "virtio-serial")


def disk(d: Domain, bus: str, device: str = "disk") -> None:
    prefix = {"virtio": "vd", "sata": "sd", "scsi": "sd", "usb": "sd", "ide": "hd"}[bus]
    letter = "abcdefghijklmnopqrstuvwxyz"[d.disk_letters[prefix]]
    d.disk_letters[prefix] += 1
    if prefix == "sd":
        d.disk_letters["sd"] = max(d.disk_letters["sd"], 1)
    address = maybe_address(d, True) if bus == "virtio" else ""
    source = f"/var/lib/libvirt/images/disk-{prefix}{letter}.qcow2"
    fmt = "raw" if device == "cdrom" else "qcow2"
    src = "" if device == "cdrom" else f"<source file='{source}'/>"
    ro = "<readonly/>" if device == "cdrom" else ""
    d.add(f"<disk type='file' device='{device}'><driver name='qemu' type='{fmt}'/>{src}"
          f"<target dev='{prefix}{letter}' bus='{bus}'/>{ro}{address}</disk>", f"disk-{bus}-{device}")


def endpoints(d: Domain) -> None:
    rng = d.rng
    for i in range(rng.choice([0, 1, 1, 1, 2, 3])):
        model = d.pick(["virtio", "virtio", "virtio", "e1000", "e1000e", "rtl8139", "default",
                        rng.choice(["virtio-transitional", "virtio-non-transitional"])], ["vmxnet3"])
        model_xml = "" if model == "default" else f"<model type='{model}'/>"
        mac = f"<mac address='52:54:00:00:{d.rng.randrange(256):02x}:{i:02x}'/>"
        # No <address> and no <driver queues>: domxml-to-native rebuilds every interface as a tap
        # (type='ethernet') keeping only its MAC and model, so libvirt places it anew and drops the
        # queues; `virsh start` would honour both. What the oracle checks is libvirt's placement.
        d.add(f"<interface type='user'>{mac}{model_xml}</interface>", f"nic-{model}")
    buses = ["virtio", "virtio", "sata" if d.q35 else "ide"]
    if d.scsi:
        buses.append("scsi")
    if d.usb:
        buses.append("usb")
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        disk(d, rng.choice(buses))
    if rng.random() < 0.3:
        disk(d, "sata" if d.q35 else "ide", "cdrom")
    video = d.pick(["vga", "vga", "qxl", "virtio", "bochs", "none", "absent"], ["default", "cirrus", "vmvga"])
    if video == "absent":
        d.features.append("video-absent")
    else:
        model = "" if video == "default" else f"<model type='{video}'/>"
        address = maybe_address(d, video in ("virtio", "bochs")) if rng.random() < 0.3 else ""
        d.add(f"<video>{model}{address}</video>", f"video-{video}")
    if rng.random() < 0.1 and video in ("qxl", "virtio"):
        d.add(f"<video><model type='{video}'/></video>", f"video-secondary-{video}")
    balloon = rng.choice(["absent", "virtio", "virtio", "none"])
    if balloon == "absent":
        d.features.append("memballoon-absent")
    else:
        address = maybe_address(d, True) if balloon == "virtio" else ""
        d.add(f"<memballoon model='{balloon}'>{address}</memballoon>", f"memballoon-{balloon}")
    if rng.random() < 0.3:
        d.add(f"<rng model='virtio'><backend model='random'>/dev/urandom</backend>{maybe_address(d, True)}</rng>", "rng")
    if d.unmodelled and rng.random() < 0.4:
        d.add("<watchdog model='i6300esb' action='reset'/>", "watchdog-i6300esb")
    if rng.random() < 0.2:
        kind = rng.choice(["tablet", "keyboard", "mouse"])
        d.add(f"<input type='{kind}' bus='virtio'/>", f"input-virtio-{kind}")
    if d.usb and rng.random() < 0.15:
        d.add("<input type='tablet' bus='usb'/>", "input-usb-tablet")
    if d.unmodelled and rng.random() < 0.4:
        model = rng.choice(["ich9", "ich6", "ac97"])
        d.add(f"<sound model='{model}'/>", f"sound-{model}")
    if rng.random() < 0.2:
        for host in rng.sample(HOSTDEV_ADDRESSES, rng.choice([1, 1, 2])):
            domain, bus, slotfn = host.split(":")
            slot, function = slotfn.split(".")
            d.add(f"<hostdev mode='subsystem' type='pci' managed='yes'><driver name='vfio'/><source>"
                  f"<address domain='0x{domain}' bus='0x{bus}' slot='0x{slot}' function='0x{function}'/></source>"
                  f"{maybe_address(d, True)}</hostdev>", "hostdev")


def generate_case(seed: int) -> dict:
    rng = random.Random(seed)
    q35 = rng.random() < 0.6
    machine = rng.choice(Q35_MACHINES if q35 else PC_MACHINES)
    d = Domain(rng, q35)
    memory, memory_feature = memory_element(rng)
    cpu, cpu_features = vcpu_and_cpu(rng)
    pci_controllers(d)
    other_controllers(d)
    endpoints(d)
    if d.unmodelled:
        d.features.append("with-unmodelled-devices")
    d.rng.shuffle(d.devices) if rng.random() < 0.1 else None  # the document's order must not matter to placement
    devices = "\n    ".join(["<emulator>/usr/bin/qemu-system-x86_64</emulator>"] + d.devices)
    # OVMF: libvirt 9.0.0 picks OVMF_CODE_4M.ms.fd for firmware='efi' (its firmware descriptors), or the
    # loader named; either way it adds the NVRAM in its own state directory.
    firmware = rng.choice(["bios"] * 6 + ["efi", "loader"])
    os_attributes = " firmware='efi'" if firmware == "efi" else ""
    loader = ("<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>"
              if firmware == "loader" else "")
    xml = f"""<domain type='qemu'>
  <name>oracle-{seed}</name>
  <uuid>00000000-0000-4000-8000-{seed % (1 << 48):012x}</uuid>
  {memory}
  {cpu}
  <os{os_attributes}><type arch='x86_64' machine={quoteattr(machine)}>hvm</type>{loader}</os>
  <features><acpi/><apic/></features>
  <devices>
    {devices}
  </devices>
</domain>
"""
    return {"seed": seed, "xml": xml,
            "features": sorted(set([f"machine-{machine}", f"firmware-{firmware}", memory_feature] + cpu_features +
                                   d.features))}


def generate(seed: int) -> str:
    return generate_case(seed)["xml"]


if __name__ == "__main__":
    first = int(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    for s in range(first, first + count):
        print(generate(s))
