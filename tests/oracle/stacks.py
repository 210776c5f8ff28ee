#!/usr/bin/env python3
"""The QEMU + firmware stacks the oracle can boot, and how to run each.

    STACKS: dict name -> Stack            the table (names like "qemu-10.0+seabios-1.16.3")
    get(name) -> Stack                    KeyError with the known names if there is no such stack
    default_for(firmware) -> Stack        "seabios"/"ovmf" mean Debian 12's system stacks
    Stack.resolve() -> Resolved           paths checked; StackMissing names the absent file and the
                                          `scripts/oracle-stacks.sh ...` command that fetches it

The system stack is Debian 12's own QEMU 7.2 (/usr/bin/qemu-system-x86_64) with SeaBIOS 1.16.2 or
OVMF 2022.11. The others come from scripts/oracle-stacks.sh, which unpacks Debian's packages into
$APERTURE_STACKS_DIR or ~/.cache/aperture/stacks:

    qemu-10.0/root/usr/bin/qemu-system-x86_64        bookworm-backports 10.0.2, runs directly here
    qemu-11.1/root/...                               a trixie root with trixie-backports' 11.1.3 (and its
                                                     own seabios 1.17.0 and ipxe); run through the root's
                                                     dynamic loader, no chroot
    seabios-1.16.3/root/usr/share/seabios/           trixie's SeaBIOS: -bios .../bios-256k.bin, and -L that
    seabios-1.17.0/root/usr/share/seabios/           folder first so the VGA BIOSes come from the same release
    ovmf-2025.02/root/usr/share/OVMF/OVMF_{CODE,VARS}_4M.fd   trixie's OVMF
    ovmf-2026.08/root/usr/share/OVMF/OVMF_{CODE,VARS}_4M.fd   sid's ovmf-generic, which has no built-in
    ovmf-2026.08/root/usr/share/efi-shell-x64/shellx64.efi    UEFI shell: sid's efi-shell-x64 of the same
                                                              edk2 build (--memmap boots it from a disk)

CLI:  python3 stacks.py [--check] [NAME...]       lists the stacks (with --check: resolves them and
                                                  prints the `qemu --version` line)
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

SYSTEM_QEMU = "/usr/bin/qemu-system-x86_64"
SYSTEM_OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
SYSTEM_OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
FETCH_SCRIPT = "scripts/oracle-stacks.sh"
# OVMF releases whose image has no UEFI shell boot option ("BdsDxe: No bootable option or device was found").
NO_BUILTIN_SHELL = {"2026.08"}


class StackMissing(Exception):
    """A stack's binaries are not there; the message names the file and the fetch command."""


def cache_dir() -> str:
    return os.environ.get("APERTURE_STACKS_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "aperture", "stacks")


@dataclasses.dataclass(frozen=True)
class Stack:
    name: str               # "qemu-10.0+seabios-1.16.3"
    qemu: str               # QEMU release: "7.2", "10.0", "11.1"
    firmware: str           # "seabios" | "ovmf"
    firmware_version: str   # "1.16.3", "2022.11", ...
    qemu_folder: str | None     # folder in the stacks cache (None: the system's QEMU)
    firmware_folder: str | None  # folder in the stacks cache (None: the system's / the QEMU root's own)

    @property
    def firmware_name(self) -> str:
        """aperture's --firmware value: seabios-1.16.3, ovmf-2022.11, ..."""
        return "%s-%s" % (self.firmware, self.firmware_version)

    @property
    def aperture_args(self) -> list:
        return ["--qemu", self.qemu, "--firmware", self.firmware_name]

    @property
    def is_system(self) -> bool:
        return self.qemu_folder is None and self.firmware_folder is None

    def fetch_command(self) -> str:
        parts = [p for p in (self.qemu_folder, self.firmware_folder) if p]
        return "%s %s" % (FETCH_SCRIPT, " ".join(parts))

    def resolve(self) -> "Resolved":
        return _resolve(self)


@dataclasses.dataclass
class Resolved:
    """How to run one stack: `env` added to the environment, then
    prefix + data_args + firmware_args + <harness options> + <case args>."""
    stack: Stack
    prefix: list            # the QEMU binary (possibly behind a dynamic loader)
    env: dict               # e.g. QEMU_MODULE_DIR
    data_args: list         # -L folders, in search order
    firmware_args: list     # -bios FILE (SeaBIOS from a cache folder); empty for the system BIOS
    ovmf_code: str | None
    ovmf_vars: str | None   # template; the oracle boots a private copy
    # OVMF builds without a built-in UEFI shell boot option (sid's ovmf-generic): the shell application
    # --memmap boots as \\EFI\\BOOT\\BOOTX64.EFI from a disk; None when the firmware has its own shell.
    uefi_shell: str | None = None

    def version_command(self) -> list:
        return self.prefix + ["--version"]

    def qemu_version_line(self) -> str:
        """First line of `qemu --version` (cached per process)."""
        key = tuple(self.prefix) + tuple(sorted(self.env.items()))
        if key not in _VERSION_CACHE:
            env = dict(os.environ)
            env.update(self.env)
            try:
                out = subprocess.run(self.version_command(), stdin=subprocess.DEVNULL,
                                     capture_output=True, env=env, timeout=30)
                text = out.stdout.decode("utf-8", "replace") or out.stderr.decode("utf-8", "replace")
            except (OSError, subprocess.TimeoutExpired) as e:
                text = "could not run %s: %s" % (self.prefix[-1], e)
            _VERSION_CACHE[key] = (text.strip().splitlines() or [""])[0]
        return _VERSION_CACHE[key]


_VERSION_CACHE: dict = {}


def _need(stack: Stack, path: str) -> str:
    if not os.path.exists(path):
        raise StackMissing("stack %s: %s is missing; fetch it with `%s` (folder %s)"
                           % (stack.name, path, stack.fetch_command(), cache_dir()))
    return path


def _resolve(stack: Stack) -> Resolved:
    cache = cache_dir()
    env: dict = {}
    data: list = []
    fw_args: list = []
    code = vars_ = shell = None
    # firmware first: its -L folder must come before QEMU's data folder
    if stack.firmware == "seabios" and stack.firmware_folder:
        d = os.path.join(cache, stack.firmware_folder, "root", "usr", "share", "seabios")
        bios = _need(stack, os.path.join(d, "bios-256k.bin"))
        _need(stack, os.path.join(d, "vgabios-stdvga.bin"))
        data += ["-L", d]
        fw_args = ["-bios", bios]
    if stack.firmware == "ovmf":
        if stack.firmware_folder:
            d = os.path.join(cache, stack.firmware_folder, "root", "usr", "share", "OVMF")
            code = _need(stack, os.path.join(d, "OVMF_CODE_4M.fd"))
            vars_ = _need(stack, os.path.join(d, "OVMF_VARS_4M.fd"))
            if stack.firmware_version in NO_BUILTIN_SHELL:
                # checked only by --memmap (qemu_oracle.build_command): the PCI observation needs no shell
                shell = os.path.join(cache, stack.firmware_folder, "root", "usr", "share", "efi-shell-x64",
                                     "shellx64.efi")
        else:
            code = _need(stack, SYSTEM_OVMF_CODE)
            vars_ = _need(stack, SYSTEM_OVMF_VARS)
    if stack.qemu_folder is None:
        prefix = [_need(stack, SYSTEM_QEMU)]
    elif stack.qemu_folder == "qemu-10.0":
        root = os.path.join(cache, "qemu-10.0", "root")
        prefix = [_need(stack, os.path.join(root, "usr", "bin", "qemu-system-x86_64"))]
        env["QEMU_MODULE_DIR"] = _need(stack, os.path.join(root, "usr", "lib", "x86_64-linux-gnu", "qemu"))
        data += ["-L", _need(stack, os.path.join(root, "usr", "share", "qemu"))]
    elif stack.qemu_folder == "qemu-11.1":
        # A Debian 13 root: its QEMU needs its own glibc, so it runs through the root's loader.
        root = os.path.join(cache, "qemu-11.1", "root")
        _need(stack, os.path.join(cache, "qemu-11.1", "version"))   # written last by oracle-stacks.sh
        loader = None
        for cand in ("usr/lib64/ld-linux-x86-64.so.2", "lib64/ld-linux-x86-64.so.2",
                     "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"):
            if os.path.exists(os.path.join(root, cand)):
                loader = os.path.join(root, cand)
                break
        if loader is None:
            _need(stack, os.path.join(root, "usr/lib64/ld-linux-x86-64.so.2"))
        libs = [os.path.join(root, "usr", "lib", "x86_64-linux-gnu"),
                os.path.join(root, "lib", "x86_64-linux-gnu")]
        prefix = [loader, "--library-path", ":".join(libs),
                  _need(stack, os.path.join(root, "usr", "bin", "qemu-system-x86_64"))]
        env["QEMU_MODULE_DIR"] = _need(stack, os.path.join(root, "usr", "lib", "x86_64-linux-gnu", "qemu"))
        if stack.firmware == "seabios" and not stack.firmware_folder:
            d = os.path.join(root, "usr", "share", "seabios")
            data += ["-L", d]
            fw_args = ["-bios", _need(stack, os.path.join(d, "bios-256k.bin"))]
        data += ["-L", _need(stack, os.path.join(root, "usr", "share", "qemu"))]
        ipxe = os.path.join(root, "usr", "lib", "ipxe", "qemu")
        if os.path.isdir(ipxe):
            data += ["-L", ipxe]
    else:
        raise ValueError("unknown QEMU folder %s" % stack.qemu_folder)
    return Resolved(stack=stack, prefix=prefix, env=env, data_args=data, firmware_args=fw_args,
                    ovmf_code=code, ovmf_vars=vars_, uefi_shell=shell)


def _s(qemu, fw, fwv, qf, ff):
    return Stack("qemu-%s+%s-%s" % (qemu, fw, fwv), qemu, fw, fwv, qf, ff)


_TABLE = [
    _s("7.2", "seabios", "1.16.2", None, None),                      # Debian 12 (the default)
    _s("7.2", "seabios", "1.16.3", None, "seabios-1.16.3"),
    _s("7.2", "seabios", "1.17.0", None, "seabios-1.17.0"),
    _s("10.0", "seabios", "1.16.3", "qemu-10.0", "seabios-1.16.3"),  # Debian 12 + bookworm-backports
    _s("10.0", "seabios", "1.17.0", "qemu-10.0", "seabios-1.17.0"),
    _s("11.1", "seabios", "1.17.0", "qemu-11.1", None),              # Debian 13 + trixie-backports
    _s("7.2", "ovmf", "2022.11", None, None),                        # Debian 12's OVMF
    _s("7.2", "ovmf", "2025.02", None, "ovmf-2025.02"),
    _s("7.2", "ovmf", "2026.08", None, "ovmf-2026.08"),
    _s("10.0", "ovmf", "2022.11", "qemu-10.0", None),                # bookworm-backports has no newer OVMF
    _s("10.0", "ovmf", "2025.02", "qemu-10.0", "ovmf-2025.02"),
    _s("10.0", "ovmf", "2026.08", "qemu-10.0", "ovmf-2026.08"),
    _s("11.1", "ovmf", "2025.02", "qemu-11.1", "ovmf-2025.02"),      # Debian 13 + trixie-backports
    _s("11.1", "ovmf", "2026.08", "qemu-11.1", "ovmf-2026.08"),
]
STACKS: dict = {s.name: s for s in _TABLE}
DEFAULT = {"seabios": "qemu-7.2+seabios-1.16.2", "ovmf": "qemu-7.2+ovmf-2022.11"}


def get(name: str) -> Stack:
    try:
        return STACKS[name]
    except KeyError:
        raise KeyError("unknown stack %r (known: %s)" % (name, ", ".join(STACKS))) from None


def default_for(firmware: str) -> Stack:
    return STACKS[DEFAULT[firmware]]


def from_aperture_args(args: list) -> Stack:
    """The stack whose aperture_args are in args (--qemu R --firmware F; F may be a bare kind, R may
    be missing: then 7.2)."""
    qemu, fw = "7.2", "seabios"
    if "--qemu" in args:
        qemu = args[args.index("--qemu") + 1]
    if "--firmware" in args:
        fw = args[args.index("--firmware") + 1]
    if fw in DEFAULT:
        fw = default_for(fw).firmware_name
    for s in _TABLE:
        if s.qemu == qemu and s.firmware_name == fw:
            return s
    raise KeyError("no stack for --qemu %s --firmware %s" % (qemu, fw))


def version_problems(stack: Stack, observed: dict) -> list:
    """Does an observation come from this stack? Checks the recorded `qemu --version` line and, when
    SeaBIOS ran, its banner. Empty list: it does."""
    meta = observed.get("oracle") or {}
    out = []
    if meta.get("stack") not in (None, stack.name):
        out.append("observation is of stack %s, not %s" % (meta.get("stack"), stack.name))
    line = meta.get("qemu_version_line")
    if line is None:
        out.append("observation has no QEMU version (qemu_version_line)")
    elif not _qemu_line_matches(stack.qemu, line):
        out.append("stack %s expects QEMU %s, the binary says %r" % (stack.name, stack.qemu, line))
    if stack.firmware == "seabios" and observed.get("outcome") in ("ok", "firmware-failed"):
        ver = meta.get("firmware_version")
        if ver is None:
            out.append("no SeaBIOS banner in the debug log (stack %s)" % stack.name)
        elif not (ver == stack.firmware_version or ver.startswith(stack.firmware_version + "-")):
            out.append("stack %s expects SeaBIOS %s, the debug log says 'SeaBIOS (version %s)'"
                       % (stack.name, stack.firmware_version, ver))
    return out


def _qemu_line_matches(release: str, line: str) -> bool:
    # "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)"
    words = line.split()
    if "version" not in words or words.index("version") + 1 >= len(words):
        return False
    ver = words[words.index("version") + 1]
    return ver == release or ver.startswith(release + ".")


def main(argv=None) -> int:
    import argparse
    ap = argparse.ArgumentParser(description="list the oracle's QEMU + firmware stacks")
    ap.add_argument("--check", action="store_true", help="resolve and run `qemu --version`")
    ap.add_argument("names", nargs="*")
    ns = ap.parse_args(argv)
    rc = 0
    for name in ns.names or list(STACKS):
        s = get(name)
        line = "%-28s aperture %s" % (s.name, " ".join(s.aperture_args))
        if ns.check:
            try:
                r = s.resolve()
                v = r.qemu_version_line()
                line += "  |  %s" % v
                if not _qemu_line_matches(s.qemu, v):
                    line += "  (WRONG QEMU)"
                    rc = 1
            except StackMissing as e:
                line += "  |  MISSING: %s" % e
                rc = 1
        print(line)
    return rc


if __name__ == "__main__":
    sys.exit(main())
