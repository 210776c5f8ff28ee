#!/usr/bin/env python3
"""Unit tests of the --memmap harness: parsing the UEFI shell's `memmap -sfo`, the EFI stub's conversion
to e820 (drivers/firmware/efi/libstub/x86-stub.c setup_e820) and the comparison with a prediction. No
QEMU needed: python3 tests/oracle/test_memmap.py"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_memmap  # noqa: E402
import uefi_memmap  # noqa: E402


def d(kind, start, pages):
    return {"type": kind, "start": start, "pages": pages}


class ParseSfo(unittest.TestCase):
    def test_lines_broken_by_the_terminal_still_parse(self):
        text = ('ShellCommand,"memmap"\r\nMemoryMap,"Available","0","9FFFF","A0","F"\r\nMemoryMap,"Runtime'
                '\x1b[05;01HData","7F4ED000","7F5ECFFF","100","800000000000000F"\r\nMemoryMapSummary,"1"\r\n')
        self.assertEqual(uefi_memmap.parse_memmap_sfo(text),
                         [d("Available", 0, 0xA0), d("RT_Data", 0x7F4ED000, 0x100)])

    def test_end_that_disagrees_with_the_page_count_is_refused(self):
        text = 'MemoryMap,"Available","0","9FFFF","A1","F"MemoryMapSummary'
        with self.assertRaises(ValueError):
            uefi_memmap.parse_memmap_sfo(text)

    def test_overlapping_descriptors_are_refused(self):
        text = 'MemoryMap,"Available","0","1FFF","2","F"MemoryMap,"BootServiceData","1000","1FFF","1","F"MemoryMapSummary'
        with self.assertRaises(ValueError):
            uefi_memmap.parse_memmap_sfo(text)

    def test_no_summary_means_no_listing(self):
        self.assertIsNone(uefi_memmap.parse_memmap_sfo('MemoryMap,"Available","0","9FFFF","A0","F"'))


class EfiStubConversion(unittest.TestCase):
    def test_runtime_and_mmio_are_reserved_acpi_and_nvs_keep_their_types(self):
        e820 = uefi_memmap.os_e820([d("RT_Code", 0x1000, 1), d("ACPI_Recl", 0x2000, 1),
                                    d("ACPI_NVS", 0x3000, 1), d("MMIO", 0xFFC00000, 0x400)])
        self.assertEqual([e["type"] for e in e820], ["reserved", "acpi", "nvs", "reserved"])

    def test_boot_services_and_loader_memory_are_usable_and_merge(self):
        e820 = uefi_memmap.os_e820([d("Available", 0, 1), d("BS_Code", 0x1000, 1), d("BS_Data", 0x2000, 1),
                                    d("LoaderData", 0x3000, 1)])
        self.assertEqual(e820, [{"start": "0x0", "size": 0x4000, "type": "ram"}])

    def test_only_the_previous_adjacent_entry_merges(self):
        e820 = uefi_memmap.os_e820([d("Available", 0, 1), d("Reserved", 0x1000, 1), d("Available", 0x3000, 1)])
        self.assertEqual(len(e820), 3)

    def test_unaccepted_memory_is_left_out(self):
        self.assertEqual(uefi_memmap.os_e820([d("Unaccepted", 0, 1)]), [])


def entry(start, size, kind):
    return {"start": hex(start), "size": size, "type": kind}


class CompareMemmap(unittest.TestCase):
    predicted = [entry(0, 0x1000, "ram"), entry(0x1000, 0x3000, "firmware-area"), entry(0x4000, 0x1000, "nvs")]

    def test_anything_inside_the_firmware_area_agrees(self):
        observed = {"e820": [entry(0, 0x2000, "ram"), entry(0x2000, 0x1000, "reserved"),
                             entry(0x3000, 0x1000, "acpi"), entry(0x4000, 0x1000, "nvs")]}
        self.assertEqual(compare_memmap.compare_memmap(self.predicted, observed), [])

    def test_a_reservation_outside_the_area_differs(self):
        observed = {"e820": [entry(0, 0x800, "ram"), entry(0x800, 0x800, "reserved"),
                             entry(0x1000, 0x3000, "ram"), entry(0x4000, 0x1000, "nvs")]}
        self.assertTrue(compare_memmap.compare_memmap(self.predicted, observed))

    def test_an_oracle_error_is_a_difference(self):
        self.assertTrue(compare_memmap.compare_memmap(self.predicted, {"error": "no shell"}))


if __name__ == "__main__":
    unittest.main()
