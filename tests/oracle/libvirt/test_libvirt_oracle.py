#!/usr/bin/env python3
"""Unit tests of the libvirt oracle's own parts (no libvirt, no QEMU, no aperture needed)."""

from __future__ import annotations

import json
import os
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boot_domains  # noqa: E402
import gen_domains  # noqa: E402
import libvirt_native  # noqa: E402
import libvirt_oracle  # noqa: E402


class Generator(unittest.TestCase):
    def test_a_seed_always_gives_the_same_domain(self):
        self.assertEqual(gen_domains.generate(1700042), gen_domains.generate(1700042))

    def test_different_seeds_give_different_domains(self):
        self.assertNotEqual(gen_domains.generate(1), gen_domains.generate(2))

    def test_every_domain_is_well_formed_qemu_with_acpi(self):
        for seed in range(200):
            root = ET.fromstring(gen_domains.generate(seed))
            self.assertEqual(root.get("type"), "qemu")
            self.assertIsNotNone(root.find("features/acpi"))

    def test_interfaces_carry_no_address_nor_queues(self):
        # domxml-to-native drops both, so a domain that had them would compare libvirt's re-placement.
        for seed in range(300):
            for nic in ET.fromstring(gen_domains.generate(seed)).iter("interface"):
                self.assertIsNone(nic.find("address"))
                self.assertIsNone(nic.find("driver"))

    def test_hostdevs_name_the_vfio_driver(self):
        seen = 0
        for seed in range(300):
            for hostdev in ET.fromstring(gen_domains.generate(seed)).iter("hostdev"):
                seen += 1
                self.assertEqual(hostdev.find("driver").get("name"), "vfio")
        self.assertGreater(seen, 0)


class NativeOutput(unittest.TestCase):
    def test_argv_drops_the_environment_and_the_binary(self):
        line = "LC_ALL=C PATH=/bin HOME=/x /usr/bin/qemu-system-x86_64 -name guest=t -device '{\"driver\":\"VGA\"}'"
        self.assertEqual(libvirt_native.qemu_argv(line), ["-name", "guest=t", "-device", '{"driver":"VGA"}'])

    def test_error_keeps_libvirts_message_only(self):
        stderr = ("2026-12-05 04:51:38.622+0000: 1: info : libvirt version: 9.0.0\n"
                  "error: Failed to convert domain XML to native config\n"
                  "error: unsupported configuration: bits= must be specified too\n")
        self.assertEqual(libvirt_native.libvirt_error(stderr), "unsupported configuration: bits= must be specified too")


def plan_with(functions):
    return {"functions": functions}


class Placement(unittest.TestCase):
    argv = ["-device", '{"driver":"pcie-root-port","id":"pci.1","bus":"pcie.0","addr":"0x2"}',
            "-device", '{"driver":"virtio-net-pci","id":"net0","bus":"pci.1","addr":"0x0"}',
            "-device", "usb-tablet,id=input0,bus=usb.0,port=1"]
    port = {"pci_address": "0000:00:02.0", "id": "pci.1", "driver": "pcie-root-port", "bridge": {"secondary_bus": 1}}

    def test_the_same_bdf_passes(self):
        nic = {"pci_address": "0000:01:00.0", "id": "net0", "driver": "virtio-net-pci", "bridge": None}
        self.assertEqual(libvirt_oracle.placement_differences(self.argv, plan_with([self.port, nic])), (2, []))

    def test_another_slot_is_a_difference(self):
        nic = {"pci_address": "0000:01:01.0", "id": "net0", "driver": "virtio-net-pci", "bridge": None}
        checked, why = libvirt_oracle.placement_differences(self.argv, plan_with([self.port, nic]))
        self.assertEqual(checked, 2)
        self.assertEqual(len(why), 1)
        self.assertIn("net0", why[0])

    def test_a_missing_id_is_a_difference(self):
        _, why = libvirt_oracle.placement_differences(self.argv, plan_with([self.port]))
        self.assertIn("no function with that id", why[0])

    def test_an_alias_libvirt_writes_is_the_type_qemu_creates(self):
        argv = ["-device", '{"driver":"lsi","id":"scsi0","bus":"pci.0","addr":"0x3"}']
        lsi = {"pci_address": "0000:00:03.0", "id": "scsi0", "driver": "lsi53c895a", "bridge": None}
        self.assertEqual(libvirt_oracle.placement_differences(argv, plan_with([lsi])), (1, []))

    def test_another_type_than_the_alias_names_is_a_difference(self):
        argv = ["-device", '{"driver":"lsi","id":"scsi0","bus":"pci.0","addr":"0x3"}']
        megasas = {"pci_address": "0000:00:03.0", "id": "scsi0", "driver": "megasas", "bridge": None}
        _, why = libvirt_oracle.placement_differences(argv, plan_with([megasas]))
        self.assertIn("XML plan megasas", why[0])


class Differences(unittest.TestCase):
    def test_notes_and_stack_do_not_count(self):
        a = {"notes": ["x"], "stack": {"machine": "xml"}, "outcome": "ok", "functions": []}
        b = {"notes": ["y"], "stack": {"machine": "args"}, "outcome": "ok", "functions": []}
        self.assertEqual(libvirt_oracle.differences(a, b), [])

    def test_a_bar_address_counts(self):
        f = {"pci_address": "0000:00:02.0", "id": "video0", "bars": [{"base": 0xfd000000}]}
        g = {"pci_address": "0000:00:02.0", "id": "video0", "bars": [{"base": 0xfe000000}]}
        why = libvirt_oracle.differences({"functions": [f]}, {"functions": [g]})
        self.assertEqual(len(why), 1)
        self.assertIn("bars", why[0])


class BootTrimming(unittest.TestCase):
    def test_host_plumbing_goes_and_devices_stay(self):
        argv = ["-S", "-object", '{"qom-type":"secret","id":"masterKey0","file":"/x"}',
                "-chardev", "socket,id=charmonitor,path=/x", "-mon", "chardev=charmonitor",
                "-netdev", '{"type":"tap","fd":"5","id":"hostnet0"}',
                "-device", '{"driver":"e1000","netdev":"hostnet0","id":"net0","bus":"pci.0","addr":"0x3"}',
                "-blockdev", '{"driver":"file","filename":"/var/lib/x.qcow2","node-name":"libvirt-1-storage"}',
                "-blockdev", '{"node-name":"libvirt-1-format","driver":"qcow2","file":"libvirt-1-storage"}',
                "-sandbox", "on", "-msg", "timestamp=on"]
        out = boot_domains.host_side_trimmed(argv)
        self.assertNotIn("-S", out)
        self.assertNotIn("-chardev", out)
        self.assertNotIn("-sandbox", out)
        self.assertEqual(json.loads(out[out.index("-netdev") + 1]), {"type": "user", "id": "hostnet0"})
        self.assertIn(argv[argv.index("-device") + 1], out)
        nodes = [json.loads(out[i + 1]) for i, a in enumerate(out) if a == "-blockdev"]
        self.assertEqual([n["driver"] for n in nodes], ["null-co", "raw"])
        self.assertFalse(any("secret" in a for a in out))


if __name__ == "__main__":
    unittest.main()
