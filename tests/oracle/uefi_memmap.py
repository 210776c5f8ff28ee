"""The memory map the OS gets under OVMF, as the oracle reads it.

Debian's OVMF_CODE_4M.fd images boot the UEFI shell when there is nothing else to boot; its `memmap
-sfo` prints the UEFI memory map (ShellPkg/Library/UefiShellDebug1CommandsLib/MemMap.c, one
`MemoryMap,"Type","Start","End","Pages","Attributes"` line per descriptor, hex, End inclusive). This
module drives the shell over the serial console, parses that output and converts it the way Linux's EFI
stub builds the e820 table it boots with (drivers/firmware/efi/libstub/x86-stub.c setup_e820), so the
observation is the OS's memory map in aperture's JSON vocabulary:

    [{"start": "0x...", "size": N, "type": "ram" | "reserved" | "acpi" | "nvs" | "unusable" | "pmem"}]

Python 3.11 standard library only.
"""

from __future__ import annotations

import os
import re
import time

# ShellPkg MemMap.c: the -sfo names (NameEfi*) and the short names of the plain listing (Name*Short).
SFO_TYPES = {
    "Reserved": "Reserved", "LoaderCode": "LoaderCode", "LoaderData": "LoaderData",
    "BootServiceCode": "BS_Code", "BootServiceData": "BS_Data", "RuntimeCode": "RT_Code",
    "RuntimeData": "RT_Data", "Available": "Available", "Persistent": "Persistent",
    "UnusableMemory": "Unusable", "ACPIReclaimMemory": "ACPI_Recl", "ACPIMemoryNVS": "ACPI_NVS",
    "MemoryMappedIO": "MMIO", "MemoryMappedIOPortSpace": "MMIO_Port", "PalCode": "PalCode",
    "Unaccepted": "Unaccepted",
}

# x86-stub.c setup_e820: EFI memory type -> e820 type; types it does not list (Unaccepted) are skipped.
# EFI_MEMORY_SP (soft reservation) never appears in OVMF's map, so usable types are plain RAM here.
EFI_TO_E820 = {
    "Reserved": "reserved", "RT_Code": "reserved", "RT_Data": "reserved", "MMIO": "reserved",
    "MMIO_Port": "reserved", "PalCode": "reserved",
    "Unusable": "unusable",
    "ACPI_Recl": "acpi",
    "LoaderCode": "ram", "LoaderData": "ram", "BS_Code": "ram", "BS_Data": "ram", "Available": "ram",
    "ACPI_NVS": "nvs",
    "Persistent": "pmem",
}

PAGE = 4096
_CSI = re.compile(r"\x1b\[[0-9;=?]*[A-Za-z]")
_SFO_LINE = re.compile(r'MemoryMap,"([A-Za-z_]+)","([0-9A-Fa-f]+)","([0-9A-Fa-f]+)","([0-9A-Fa-f]+)",'
                       r'"([0-9A-Fa-f]+)"')
SFO_SUMMARY = "MemoryMapSummary"
SHELL_PROMPT = "Shell>"
# ShellPkg Application/Shell/Shell.c: the startup.nsh countdown; any key but ESC ends it at once.
STARTUP_COUNTDOWN = "startup.nsh"
MEMMAP_COMMAND = b"memmap -sfo\r"
# MdeModulePkg BdsDxe: what a build without the shell as a boot option (sid's ovmf-generic 2026.08) prints.
NO_BOOT_OPTION = "No bootable option or device was found"


def strip_terminal(text: str) -> str:
    """The console text without the terminal's escape sequences and line breaks (the terminal may break
    a long line anywhere, the parser does not need them)."""
    return _CSI.sub("", text).replace("\r", "").replace("\n", "")


def parse_memmap_sfo(text: str) -> list | None:
    """The descriptors of the last complete `memmap -sfo` listing in console text, in order, as
    [{"type": short EFI name, "start": int, "pages": int}], or None when there is none."""
    flat = strip_terminal(text)
    end = flat.rfind(SFO_SUMMARY)
    if end < 0:
        return None
    begin = flat.rfind('ShellCommand,"memmap"', 0, end)
    body = flat[begin if begin >= 0 else 0:end]
    out = []
    for m in _SFO_LINE.finditer(body):
        name, start, last, pages = m.group(1), int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16)
        if last + 1 - start != pages * PAGE:
            raise ValueError("memmap descriptor %s at %#x: end %#x does not match %d pages"
                             % (name, start, last, pages))
        # Not sorted (OVMF lists RAM above 4 GiB before the ECAM), but never overlapping.
        for d in out:
            if start < d["start"] + d["pages"] * PAGE and d["start"] < start + pages * PAGE:
                raise ValueError("memmap descriptor %s at %#x overlaps the one at %#x (garbled console "
                                 "output?)" % (name, start, d["start"]))
        out.append({"type": SFO_TYPES.get(name, name), "start": start, "pages": pages})
    return out or None


def os_e820(descriptors: list) -> list:
    """setup_e820: each descriptor in the firmware's order becomes an e820 entry of its type, merged into
    the previous entry when that one has the same type and ends where it starts. The table keeps the
    firmware's order, as the stub hands it over (the kernel sorts and merges it again, e820__update_table;
    compare_memmap compares that sanitized view)."""
    out: list = []
    for d in descriptors:
        kind = EFI_TO_E820.get(d["type"])
        if kind is None:
            continue
        size = d["pages"] * PAGE
        if out and out[-1]["type"] == kind and out[-1]["_end"] == d["start"]:
            out[-1]["size"] += size
            out[-1]["_end"] += size
            continue
        out.append({"start": d["start"], "size": size, "type": kind, "_end": d["start"] + size})
    return [{"start": "0x%x" % e["start"], "size": e["size"], "type": e["type"]} for e in out]


class SerialConsole:
    """The guest's serial port through a QEMU pipe chardev (`-chardev pipe,path=BASE`: QEMU writes
    BASE.out and reads BASE.in, two FIFOs the harness makes first). Everything read is appended to a log
    file (the oracle's serial.log), and keys can be typed. A pipe rather than a socket chardev: with a
    socket, QEMU 7.2's serial port dropped and repeated characters of long output (observed)."""

    def __init__(self, base: str, log_path: str):
        self.base = base
        for suffix in (".in", ".out"):
            os.mkfifo(base + suffix)
        # Opened before QEMU starts: O_RDWR never blocks on a FIFO, and keeps it open if QEMU closes it.
        self.out_fd = os.open(base + ".out", os.O_RDWR | os.O_NONBLOCK)
        self.in_fd = os.open(base + ".in", os.O_RDWR | os.O_NONBLOCK)
        self.log_path = log_path
        self.text = ""

    def pump(self) -> str:
        chunks = []
        while True:
            try:
                data = os.read(self.out_fd, 65536)
            except (BlockingIOError, InterruptedError):
                break
            if not data:
                break
            chunks.append(data)
        if chunks:
            new = b"".join(chunks).decode("utf-8", "replace")
            self.text += new
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(new)
        return self.text

    def type(self, keys: bytes) -> None:
        os.write(self.in_fd, keys)

    def close(self) -> None:
        for fd in (self.out_fd, self.in_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def read_memmap(console: SerialConsole, deadline: float, alive, log=lambda m: None) -> tuple:
    """Drive the shell to `memmap -sfo` and return (descriptors, None) or (None, why it failed).
    alive(): False once QEMU has exited."""
    typed_continue = False
    typed_command_at = None
    while time.monotonic() < deadline:
        if not alive():
            return None, "QEMU exited before the UEFI shell printed its memory map"
        text = console.pump()
        if typed_command_at is None and NO_BOOT_OPTION in text:
            return None, "the firmware offers no UEFI shell to boot (BdsDxe: %s)" % NO_BOOT_OPTION
        if typed_command_at is None:
            prompt_at = text.rfind(SHELL_PROMPT)
            if prompt_at >= 0:
                console.type(MEMMAP_COMMAND)
                typed_command_at = len(text)
                log("typed memmap")
            elif STARTUP_COUNTDOWN in text and not typed_continue:
                console.type(b" ")
                typed_continue = True
                log("skipped the startup.nsh countdown")
        else:
            tail = text[typed_command_at:]
            done = tail.find(SFO_SUMMARY)
            if done >= 0 and SHELL_PROMPT in tail[done:]:
                try:
                    descriptors = parse_memmap_sfo(tail)
                except ValueError as e:
                    return None, str(e)
                if descriptors is None:
                    return None, "the UEFI shell's memmap output could not be parsed"
                return descriptors, None
        time.sleep(0.2)
    if typed_command_at is None:
        return None, "the UEFI shell prompt did not appear on the serial console in time"
    return None, "the UEFI shell did not finish printing its memory map in time"
