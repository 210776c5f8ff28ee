#!/usr/bin/env python3
"""Boot real QEMU + firmware and report the guest-physical layout it produced.

This is the oracle for aperture: it runs

    qemu-system-x86_64 -accel tcg -display none -no-user-config <harness options> <args>

waits until the firmware has programmed every BAR and bridge window (QMP ``query-pci`` stops
changing and, for SeaBIOS, the debug console shows the final "e820 map has N items" table),
and normalises what it saw into the key names aperture's plan JSON had as ``aperture-plan/1`` (the
recordings keep them; compare.plan_as_observed reads an ``aperture-plan/2`` prediction into them):

    {"outcome": "ok" | "refused" | "firmware-failed" | "timeout" | "oracle-error",
     "error": null | {"source": "qemu" | "firmware" | "oracle", "message": "..."},
     "e820": null | [{"start": "0x...", "size": N, "type": "ram" | "reserved" | ...}],
     "functions": [{"bdf", "id", "vendor_id", "device_id", "class", "bars": [...], "bridge": ...}],
     "oracle": {...metadata, not compared...}}

"timeout" and "oracle-error" are harness outcomes (the oracle could not observe a result); they
never match a prediction.

The QEMU + firmware stack to boot comes from stacks.py (default: Debian 12's QEMU 7.2 with SeaBIOS
1.16.2, or OVMF 2022.11 for --firmware ovmf). The metadata records the stack's name, the first line
of `qemu --version` and the SeaBIOS banner of the debug log, so that a recording can be checked to
be of the stack it claims (stacks.version_problems).

CLI:  python3 qemu_oracle.py [--stack NAME | --firmware seabios|ovmf] [--timeout S] [--keep DIR]
                             -- <qemu args...>

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import live_processes  # noqa: E402
import stacks as stacks_mod  # noqa: E402
import uefi_memmap  # noqa: E402

PROGNAME_PREFIX = "qemu-system-x86_64: "
TIMEOUT_BIN = "/usr/bin/timeout"

DEFAULT_TIMEOUT = {"seabios": 30.0, "ovmf": 120.0}
# --memmap: time the UEFI shell gets, after the PCI observation, to show its prompt and print `memmap`
# (observed: 5-40 s of TCG time, more when a NIC's PXE boot attempts come first).
MEMMAP_TIMEOUT = float(os.environ.get("APERTURE_MEMMAP_TIMEOUT", "240"))
POLL_INTERVAL = 0.5

# Every QEMU we start is registered in live_processes, killed on SIGTERM/SIGINT (install_signal_handlers),
# an exception or interpreter exit.
ShuttingDown = live_processes.ShuttingDown
_register = live_processes.register
_kill = live_processes.kill
kill_all = live_processes.kill_all
shutdown = live_processes.shutdown


def install_signal_handlers() -> None:
    """Turn SIGTERM/SIGHUP into SystemExit so that finally blocks and atexit run."""
    def handler(signum, frame):
        shutdown()
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError):  # not in the main thread
            pass


# ---------------------------------------------------------------------------------------------
# QMP


class QMPError(Exception):
    pass


class QMPClosed(QMPError):
    pass


class QMP:
    """Minimal QMP client: greeting, qmp_capabilities, commands matched by id, events skipped."""

    def __init__(self, path: str):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def _read_msg(self, deadline: float) -> dict:
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line, self.buf = self.buf[:nl], self.buf[nl + 1:]
                line = line.strip()
                if not line:
                    continue
                try:
                    return json.loads(line)
                except ValueError as e:
                    raise QMPError("bad QMP message: %r" % line[:200]) from e
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("QMP read timed out")
            r, _, _ = select.select([self.sock], [], [], min(left, 1.0))
            if not r:
                continue
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise QMPClosed("QMP connection closed")
            self.buf += chunk

    def greeting(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            msg = self._read_msg(deadline)
            if "QMP" in msg:
                return msg
            if "event" in msg:
                self.events.append(msg)

    def cmd(self, name: str, arguments: dict | None = None, timeout: float = 15.0):
        self.next_id += 1
        req_id = "ap-%d" % self.next_id
        req = {"execute": name, "id": req_id}
        if arguments:
            req["arguments"] = arguments
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        deadline = time.monotonic() + timeout
        while True:
            msg = self._read_msg(deadline)
            if "event" in msg:
                self.events.append(msg)
                continue
            if msg.get("id") != req_id:
                continue  # stray reply (should not happen)
            if "error" in msg:
                raise QMPError("%s: %s" % (name, msg["error"].get("desc", msg["error"])))
            return msg.get("return")


# ---------------------------------------------------------------------------------------------
# Normalisation of query-pci and the SeaBIOS debug log


def hx(v: int) -> str:
    # QMP reports 64-bit window registers as signed int64: a closed prefetchable window's base
    # 0xfffffffffff00000 arrives as -1048576
    return "0x%x" % (v & ((1 << 64) - 1) if v < 0 else v)


def _unmapped(addr) -> bool:
    # QMP prints the address as int64: -1 is PCI_BAR_UNMAPPED; any other negative value is a real address
    # at or above 2^63 (SeaBIOS 1.16.3+ can wrap a window there), converted by hx().
    return addr is None or addr == -1 or addr == 0xFFFFFFFFFFFFFFFF


def _bar(region: dict) -> dict:
    idx = region["bar"]
    size = region["size"]
    addr = region.get("address")
    mapped = not _unmapped(addr)
    if region["type"] == "io":
        out = {"index": idx, "kind": "io", "size": size}
    else:
        if idx == 6:
            out = {"index": idx, "kind": "rom", "bits": 32, "prefetchable": False, "size": size}
        else:
            out = {"index": idx, "kind": "mem", "bits": 64 if region.get("mem_type_64") else 32,
                   "prefetchable": bool(region.get("prefetch")), "size": size}
    out["address"] = hx(addr) if mapped else None
    out["decoding"] = mapped
    return out


def _range(r: dict) -> dict:
    return {"base": hx(r["base"]), "limit": hx(r["limit"])}


def _walk(devices: list, out: list) -> None:
    for dev in devices:
        ids = dev.get("id", {})
        fn = {
            "bdf": "%02x:%02x.%x" % (dev["bus"], dev["slot"], dev["function"]),
            "id": dev.get("qdev_id") or None,
            "vendor_id": "0x%04x" % ids.get("vendor", 0),
            "device_id": "0x%04x" % ids.get("device", 0),
            "class": "0x%04x" % dev.get("class_info", {}).get("class", 0),
            "bars": sorted((_bar(r) for r in dev.get("regions", [])), key=lambda b: b["index"]),
            "bridge": None,
        }
        pb = dev.get("pci_bridge")
        if pb is not None:
            b = pb.get("bus", {})
            fn["bridge"] = {
                "secondary_bus": b.get("secondary"),
                "subordinate_bus": b.get("subordinate"),
                "io": _range(b["io_range"]) if "io_range" in b else None,
                "memory": _range(b["memory_range"]) if "memory_range" in b else None,
                "prefetchable": _range(b["prefetchable_range"]) if "prefetchable_range" in b else None,
            }
        out.append(fn)
        if pb is not None:
            _walk(pb.get("devices", []) or [], out)


def bdf_key(bdf: str) -> tuple:
    bus, rest = bdf.split(":")
    dev, fn = rest.split(".")
    return (int(bus, 16), int(dev, 16), int(fn, 16))


def normalize_pci(query_pci_return: list) -> list:
    """query-pci 'return' value -> flat list of functions sorted by (bus, slot, function)."""
    out: list = []
    for bus in query_pci_return or []:
        _walk(bus.get("devices", []) or [], out)
    out.sort(key=lambda f: bdf_key(f["bdf"]))
    return out


E820_HEADER_RE = re.compile(r"e820 map has (\d+) items:")
E820_LINE_RE = re.compile(
    r"^\s*(\d+):\s*([0-9a-fA-F]+)\s*-\s*([0-9a-fA-F]+)\s*=\s*(\d+)\s*(\S.*?)?\s*$")
E820_TYPES = {1: "ram", 2: "reserved", 3: "acpi", 4: "nvs", 5: "unusable"}
PANIC_RE = re.compile(r"(PCI: out of [^\r\n]*|[^\r\n]*\bpanic\b[^\r\n]*)", re.IGNORECASE)
SEABIOS_BANNER_RE = re.compile(r"SeaBIOS \(version ([^)\r\n]*)\)")


def parse_e820(log: str):
    """Return the last complete 'e820 map has N items' table of a SeaBIOS log, or None."""
    lines = log.splitlines()
    result = None
    for i, line in enumerate(lines):
        m = E820_HEADER_RE.search(line)
        if not m:
            continue
        n = int(m.group(1))
        entries = []
        for j in range(n):
            if i + 1 + j >= len(lines):
                break
            em = E820_LINE_RE.match(lines[i + 1 + j])
            if not em or int(em.group(1)) != j:
                break
            start, end, typ = int(em.group(2), 16), int(em.group(3), 16), int(em.group(4))
            name = E820_TYPES.get(typ)
            if name is None:
                name = (em.group(5) or str(typ)).strip().lower() or str(typ)
            entries.append({"start": hx(start), "size": end - start, "type": name})
        if len(entries) == n:
            # only complete if the line after the table has started (the last line is finished)
            if i + 1 + n < len(lines) or log.endswith("\n"):
                result = entries
    return result


def find_panic(log: str):
    for line in log.splitlines():
        m = PANIC_RE.search(line)
        if m:
            return line.strip()
    return None


# A stack unpacked into the cache has QEMU_MODULE_DIR pointing at its own modules, but QEMU also
# searches its compiled-in module folder, the system's (QEMU 7.2's): a module the stack's packages do
# not ship (ui-opengl.so without qemu-system-gui, loaded for a VGA) is then found there and rejected
# with these two lines. They are noise of the unpacked stack, not part of QEMU's answer.
MODULE_NOISE_RE = re.compile(r"^(failed to initialize module: .*|Only modules from the same build "
                             r"can be loaded\.)$")


def qemu_error_message(stderr: str) -> str:
    """QEMU's error text without the program-name prefix; warnings are left out if there is an
    error line, and so are the module-loading complaints of an unpacked stack (MODULE_NOISE_RE)."""
    lines = [l.rstrip("\r") for l in stderr.splitlines() if l.strip()]
    lines = [l for l in lines
             if not MODULE_NOISE_RE.match(l[len(PROGNAME_PREFIX):] if l.startswith(PROGNAME_PREFIX)
                                          else l)]
    stripped = [l[len(PROGNAME_PREFIX):] if l.startswith(PROGNAME_PREFIX) else l for l in lines]
    # A line without the program name continues the line before it (error_printf after warn_report or
    # error_report): "Please configure -smp options properly ..." belongs to its hyperthreading warning.
    errors = []
    in_warning = False
    for raw, line in zip(lines, stripped):
        if raw.startswith(PROGNAME_PREFIX):
            in_warning = line.startswith("warning:")
        if not in_warning and not line.startswith("warning:"):
            errors.append(line)
    chosen = errors or stripped
    return "\n".join(chosen)


# ---------------------------------------------------------------------------------------------
# Command line


def _has_opt(args: list, *names: str) -> bool:
    for a in args:
        for n in names:
            if a == n or a.startswith(n + "="):
                return True
    return False


def _has_pflash(args: list) -> bool:
    for i, a in enumerate(args):
        if a in ("-pflash", "-bios"):
            return True
        if a == "-drive" and i + 1 < len(args) and "if=pflash" in args[i + 1]:
            return True
    return False


def memmap_console_unavailable(args: list) -> str | None:
    """Why --memmap cannot drive the serial console of a case (it chooses its own), or None."""
    if _has_opt(args, "-nographic", "-serial"):
        return "the case chooses its own serial console (-serial / -nographic)"
    return None


def build_command(args: list, firmware: str, tmp: str, resolved=None, serial_pipe: str | None = None) -> list:
    """The QEMU command line: the stack's binary, its -L folders and firmware, then the harness's
    options and the case's args. resolved: a stacks.Resolved (default: the system stack of
    firmware). serial_pipe: the serial port is a pair of FIFOs the harness types into (--memmap)
    instead of a file; either way it is the ISA serial port, so the PCI layout is the same."""
    if resolved is None:
        resolved = stacks_mod.default_for(firmware).resolve()
    cmd = list(resolved.prefix) + list(resolved.data_args)
    if not (_has_opt(args, "-accel", "-enable-kvm") or
            any("accel=" in a for a in args)):
        cmd += ["-accel", "tcg"]
    nographic = _has_opt(args, "-nographic")
    if not (nographic or _has_opt(args, "-display", "-vnc", "-curses", "-sdl")):
        cmd += ["-display", "none"]
    cmd += ["-no-user-config"]
    cmd += ["-qmp", "unix:%s,server=on,wait=off" % os.path.join(tmp, "qmp.sock")]
    cmd += ["-chardev", "file,id=apdbg,path=%s" % os.path.join(tmp, "debug.log"),
            "-device", "isa-debugcon,iobase=0x402,chardev=apdbg"]
    if serial_pipe is not None:
        cmd += ["-chardev", "pipe,id=apser,path=%s" % serial_pipe, "-serial", "chardev:apser"]
        # Straight to the UEFI shell: an empty CD-ROM on the chipset's own IDE/AHCI bus with a bootindex
        # makes QEMU write fw_cfg "bootorder", and OVMF (QemuBootOrderLib SetBootOrderFromQemu) then drops
        # every PCI boot option it does not name -- the NICs' PXE/HTTP attempts, minutes under TCG -- and
        # keeps the built-in shell. ide-cd is no PCI function: the PCI layout is the case's own.
        # A firmware without a built-in shell (resolved.uefi_shell) gets the shell application instead, as
        # \\EFI\\BOOT\\BOOTX64.EFI on a vvfat disk on the same bus -- an IDE/AHCI disk, no PCI function either.
        if resolved.uefi_shell is not None:
            esp = os.path.join(tmp, "esp")
            os.makedirs(os.path.join(esp, "EFI", "BOOT"), exist_ok=True)
            shutil.copyfile(resolved.uefi_shell, os.path.join(esp, "EFI", "BOOT", "BOOTX64.EFI"))
            cmd += ["-drive", "file=fat:rw:%s,format=raw,if=none,id=apesp" % esp,
                    "-device", "ide-hd,drive=apesp,bootindex=0"]
        else:
            cmd += ["-drive", "if=none,id=apcd,media=cdrom", "-device", "ide-cd,drive=apcd,bootindex=0"]
    elif not (nographic or _has_opt(args, "-serial")):
        # a file rather than "none": OVMF's console output tells when BDS has been reached
        cmd += ["-serial", "file:%s" % os.path.join(tmp, "serial.log")]
    if not (nographic or _has_opt(args, "-monitor", "-mon")):
        cmd += ["-monitor", "none"]
    if not _has_pflash(args):
        if firmware == "ovmf":
            vars_copy = os.path.join(tmp, "OVMF_VARS.fd")
            shutil.copyfile(resolved.ovmf_vars, vars_copy)
            cmd += ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=%s" % resolved.ovmf_code,
                    "-drive", "if=pflash,format=raw,unit=1,file=%s" % vars_copy]
        else:
            cmd += list(resolved.firmware_args)
    return cmd + list(args)


def _read(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


OVMF_GAVE_UP = ("OVMF programmed no BAR and never brought up a console: PCI resource allocation "
                "failed (the CPU idles in HLT)")


def _halted_rip(qmp) -> str | None:
    """The vCPU's RIP if it is halted (HMP 'info registers' shows HLT=1), else None."""
    try:
        text = qmp.cmd("human-monitor-command", {"command-line": "info registers"})
    except Exception:  # noqa: BLE001 - a harness probe; not being able to ask means "not known"
        return None
    if not isinstance(text, str) or "HLT=1" not in text:
        return None
    m = re.search(r"RIP=([0-9a-fA-F]+)", text)
    return m.group(1) if m else None


def _any_mapped(funcs: list) -> bool:
    for f in funcs:
        for b in f["bars"]:
            if b["decoding"]:
                return True
    return False


# ---------------------------------------------------------------------------------------------
# The oracle


def observe(args: list, firmware: str = "seabios", timeout: float | None = None,
            keep: str | None = None, stable_polls: int | None = None,
            verbose: bool = False, stack=None, memmap: bool = False) -> dict:
    """Boot QEMU with args and return the normalised observation (see module docstring).

    stack: a stacks.Stack or its name; default the system stack of firmware. With a stack, its
    firmware kind wins. A stack whose binaries are missing raises stacks.StackMissing.

    memmap (OVMF only): after the PCI observation, type `memmap -sfo` into the UEFI shell over the
    serial console and add result["memmap"] = {"efi": [descriptors], "e820": [the OS's e820 table]}
    (uefi_memmap.py), or {"error": why} when the shell never printed it in time."""
    if stack is None:
        stack = stacks_mod.default_for(firmware)
    elif isinstance(stack, str):
        stack = stacks_mod.get(stack)
    firmware = stack.firmware
    if firmware not in ("seabios", "ovmf"):
        raise ValueError("firmware must be seabios or ovmf")
    resolved = stack.resolve()          # StackMissing: nothing to boot, the caller says so
    if timeout is None:
        timeout = DEFAULT_TIMEOUT[firmware]
    if stable_polls is None:
        stable_polls = 4
    tmp = tempfile.mkdtemp(prefix="aperture-oracle-")
    proc = None
    qmp = None
    t0 = time.monotonic()
    result: dict = {"outcome": None, "error": None, "e820": None, "functions": []}
    meta: dict = {"stack": stack.name, "firmware": firmware, "args": list(args),
                  "qemu_version_line": resolved.qemu_version_line()}
    raw_pci = None
    events: list = []
    console = None

    def log(msg):
        if verbose:
            print("[oracle %.1fs] %s" % (time.monotonic() - t0, msg), file=sys.stderr)

    def finish_exited():
        """QEMU exited before we saw a result."""
        rc = proc.wait()
        err = _read(os.path.join(tmp, "stderr.txt"))
        meta["exit_code"] = rc
        meta["stderr"] = err
        msg = qemu_error_message(err)
        real_error = any(l.startswith(PROGNAME_PREFIX) and
                         not l.startswith(PROGNAME_PREFIX + "warning:") and
                         "terminating on signal" not in l
                         for l in err.splitlines())
        if rc not in (0, None) and rc > 0 and msg and real_error:
            result["outcome"] = "refused"
            result["error"] = {"source": "qemu", "message": msg}
        else:
            result["outcome"] = "oracle-error"
            result["error"] = {"source": "oracle",
                               "message": "QEMU exited with status %s before the firmware "
                                          "finished: %s" % (rc, msg)}
        result["functions"] = []

    try:
        if live_processes.shutting_down():
            raise ShuttingDown("oracle is shutting down")
        serial_pipe = None
        want_memmap = memmap and firmware == "ovmf"
        if want_memmap:
            unavailable = memmap_console_unavailable(args)
            if not unavailable and resolved.uefi_shell is not None and not os.path.exists(resolved.uefi_shell):
                unavailable = ("the firmware has no built-in UEFI shell and %s is missing; fetch it with `%s`"
                               % (resolved.uefi_shell, stack.fetch_command()))
            if unavailable:
                result["memmap"] = {"error": unavailable}
                want_memmap = False
            else:
                serial_pipe = os.path.join(tmp, "serial")
                console = uefi_memmap.SerialConsole(serial_pipe, os.path.join(tmp, "serial.log"))
        cmd = build_command(args, firmware, tmp, resolved, serial_pipe)
        meta["command"] = cmd
        log("starting: %s" % " ".join(cmd))
        # coreutils timeout bounds QEMU's life even if this process is SIGKILLed (then nobody
        # would be left to kill it); it shares QEMU's process group, which _kill signals.
        launch = cmd
        if os.path.exists(TIMEOUT_BIN):
            life = int(timeout) + 60 + (int(MEMMAP_TIMEOUT) if want_memmap else 0)
            launch = [TIMEOUT_BIN, "-s", "KILL", "%ds" % life] + cmd
        with open(os.path.join(tmp, "stderr.txt"), "wb") as errf:
            env = None
            if resolved.env:
                env = dict(os.environ)
                env.update(resolved.env)
            proc = subprocess.Popen(launch, stdin=subprocess.DEVNULL, stdout=errf, stderr=errf,
                                    cwd=tmp, start_new_session=True, env=env)
        _register(proc)
        deadline = t0 + timeout
        sock_path = os.path.join(tmp, "qmp.sock")

        # 1. connect to QMP (or notice that QEMU refused the command line)
        while True:
            if proc.poll() is not None:
                finish_exited()
                return result
            if os.path.exists(sock_path):
                try:
                    qmp = QMP(sock_path)
                    break
                except (ConnectionRefusedError, FileNotFoundError):
                    pass
            if time.monotonic() > deadline:
                raise TimeoutError("QMP socket did not appear")
            time.sleep(0.05)
        try:
            greeting = qmp.greeting(timeout=max(5.0, deadline - time.monotonic()))
            meta["qemu_version"] = greeting["QMP"]["version"]
            qmp.cmd("qmp_capabilities")
        except (QMPClosed, ConnectionResetError, BrokenPipeError):
            # QEMU exits after creating the socket when machine init fails (phys-bits check)
            proc.wait(timeout=10)
            finish_exited()
            return result
        log("QMP up")

        # 2. poll until the firmware is done
        prev = None
        stable = 0
        done_reason = None
        halted_at: list = []   # OVMF: RIPs seen halted while nothing decodes
        while True:
            if proc.poll() is not None:
                finish_exited()
                return result
            try:
                raw_pci = qmp.cmd("query-pci")
            except (QMPClosed, ConnectionResetError, BrokenPipeError):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    raise
                finish_exited()
                return result
            canon = json.dumps(raw_pci, sort_keys=True)
            if canon == prev:
                stable += 1
            else:
                stable = 0
                prev = canon
                log("query-pci changed")
            funcs = normalize_pci(raw_pci)
            dbg = _read(os.path.join(tmp, "debug.log"))
            if firmware == "seabios":
                panic = find_panic(dbg)
                if panic and stable >= 2:
                    done_reason = "panic"
                    break
                if parse_e820(dbg) is not None and stable >= stable_polls - 1:
                    done_reason = "e820"
                    break
            else:
                if console is not None:
                    console.pump()
                serial = _read(os.path.join(tmp, "serial.log"))
                bds = ("BdsDxe" in serial or "Shell>" in serial)
                if _any_mapped(funcs) and ((bds and stable >= stable_polls - 1) or
                                           stable >= 3 * stable_polls):
                    done_reason = "bds" if bds else "stable"
                    break
                # When PCI resource allocation fails, OVMF carries on without a single PciIo device:
                # no BAR decodes, no serial console ever appears (the ISA serial port sits behind the
                # LPC bridge), and the boot manager idles in HLT. A CPU still enumerating is not halted.
                if not _any_mapped(funcs) and not serial and stable >= 3 * stable_polls:
                    halted_at.append(_halted_rip(qmp))
                    if len(halted_at) >= 3 and None not in halted_at[-3:] and len(set(halted_at[-3:])) == 1:
                        done_reason = "gave-up"
                        break
            if time.monotonic() > deadline:
                done_reason = "timeout"
                break
            time.sleep(POLL_INTERVAL)

        log("done: %s" % done_reason)
        dbg = _read(os.path.join(tmp, "debug.log"))
        result["functions"] = normalize_pci(raw_pci)
        m = SEABIOS_BANNER_RE.search(dbg)
        if m:
            meta["firmware_version"] = m.group(1)
            meta["seabios_banner"] = m.group(0)
        if firmware == "seabios":
            result["e820"] = parse_e820(dbg)
            panic = find_panic(dbg)
            if panic:
                result["outcome"] = "firmware-failed"
                result["error"] = {"source": "firmware", "message": panic}
            elif done_reason == "timeout":
                result["outcome"] = "timeout"
                result["error"] = {"source": "oracle",
                                   "message": "SeaBIOS did not print its e820 table within %gs"
                                              % timeout}
            else:
                result["outcome"] = "ok"
        else:
            if done_reason == "timeout":
                result["outcome"] = "timeout"
                result["error"] = {"source": "oracle",
                                   "message": "OVMF did not finish PCI enumeration within %gs"
                                              % timeout}
            elif done_reason == "gave-up":
                result["outcome"] = "firmware-failed"
                result["error"] = {"source": "firmware", "message": OVMF_GAVE_UP}
            else:
                result["outcome"] = "ok"
            # A boot that never reached the boot manager has no memory map for an OS to get.
            if want_memmap and result["outcome"] == "ok":
                result["memmap"] = read_memmap(console, proc, log)
        warn = _read(os.path.join(tmp, "stderr.txt"))
        if warn.strip():
            meta["stderr"] = warn
        return result
    except Exception as e:  # harness problem: report it instead of a traceback
        result["outcome"] = "oracle-error"
        result["error"] = {"source": "oracle", "message": "%s: %s" % (type(e).__name__, e)}
        return result
    finally:
        if console is not None:
            console.close()
        if qmp is not None:
            events = qmp.events
            qmp.close()
        if proc is not None:
            _kill(proc)
        meta["elapsed"] = round(time.monotonic() - t0, 2)
        result["oracle"] = meta
        if keep:
            try:
                os.makedirs(keep, exist_ok=True)
                for name in ("debug.log", "serial.log", "stderr.txt"):
                    src = os.path.join(tmp, name)
                    if os.path.exists(src):
                        shutil.copyfile(src, os.path.join(keep, name))
                with open(os.path.join(keep, "query-pci.json"), "w") as f:
                    json.dump(raw_pci, f, indent=1)
                with open(os.path.join(keep, "cmdline.txt"), "w") as f:
                    f.write(" ".join(meta.get("command", [])) + "\n")
                with open(os.path.join(keep, "qmp-events.json"), "w") as f:
                    json.dump(events, f, indent=1)
                with open(os.path.join(keep, "observed.json"), "w") as f:
                    json.dump(result, f, indent=1)
                meta["kept"] = os.path.abspath(keep)
            except OSError as e:
                meta["keep_error"] = str(e)
        shutil.rmtree(tmp, ignore_errors=True)


def read_memmap(console, proc, log) -> dict:
    """The UEFI memory map of a boot whose PCI observation is done (see observe's memmap)."""
    deadline = time.monotonic() + MEMMAP_TIMEOUT
    descriptors, problem = uefi_memmap.read_memmap(console, deadline, lambda: proc.poll() is None, log)
    if problem:
        return {"error": problem}
    return {"efi": [[d["type"], "0x%x" % d["start"], d["pages"]] for d in descriptors],
            "e820": uefi_memmap.os_e820(descriptors)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Boot QEMU and print the observed PCI/e820 layout as JSON.",
        usage="%(prog)s [--stack NAME | --firmware seabios|ovmf] [--timeout S] [--keep DIR] "
              "-- <qemu args...>")
    ap.add_argument("--firmware", choices=("seabios", "ovmf"), default=None,
                    help="the system stack of this firmware (default seabios)")
    ap.add_argument("--stack", choices=sorted(stacks_mod.STACKS),
                    help="the QEMU + firmware stack (stacks.py); default qemu-7.2+seabios-1.16.2")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds to wait for the firmware (default 30 SeaBIOS, 120 OVMF)")
    ap.add_argument("--keep", metavar="DIR",
                    help="copy query-pci.json, debug.log, serial.log, stderr into DIR")
    ap.add_argument("--compact", action="store_true", help="one-line JSON")
    ap.add_argument("--memmap", action="store_true",
                    help="OVMF: also read the UEFI shell's memmap over the serial console")
    ap.add_argument("-v", "--verbose", action="store_true")
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" in argv:
        cut = argv.index("--")
        ns = ap.parse_args(argv[:cut])
        qargs = argv[cut + 1:]
    else:
        ns, qargs = ap.parse_known_args(argv)
    if ns.stack and ns.firmware and stacks_mod.get(ns.stack).firmware != ns.firmware:
        ap.error("--stack %s is not a %s stack" % (ns.stack, ns.firmware))
    stack = stacks_mod.get(ns.stack) if ns.stack else stacks_mod.default_for(ns.firmware or "seabios")
    install_signal_handlers()
    try:
        res = observe(qargs, timeout=ns.timeout, keep=ns.keep, verbose=ns.verbose, stack=stack,
                      memmap=ns.memmap)
    except stacks_mod.StackMissing as e:
        print("qemu_oracle: %s" % e, file=sys.stderr)
        return 2
    if ns.compact:
        print(json.dumps(res))
    else:
        print(json.dumps(res, indent=2))
    return 0 if res["outcome"] in ("ok", "refused", "firmware-failed") else 2


if __name__ == "__main__":
    sys.exit(main())
