#!/usr/bin/env python3
"""Boot real QEMU ppc64 -machine pseries + SLOF under TCG and report the PCI layout SLOF programmed.

The oracle of aperture's pseries model (issue 20). It runs

    qemu-system-ppc64 -accel tcg -display none -no-user-config -serial stdio \
        -prom-env auto-boot?=false -qmp unix:SOCK,server=on,wait=off <args>

`auto-boot?=false` makes SLOF stop at its Forth prompt ("0 >") right after it has walked every PHB and
programmed every BAR, without trying to boot anything. The truth is then read two ways:

- SLOF's Forth on the serial console: for each PHB node of the device tree (`/pci@<BUID>`) the `ranges`
  property (the PHB's IO / 32-bit / 64-bit windows as QEMU wrote them) and, through the PHB's own
  `config-l@` / `config-l!` methods (RTAS config access), every function's config header: IDs, class,
  header type, command register and each BAR register as SLOF programmed it, sized the way firmware sizes
  BARs (decoding off, all-ones written, read back, restored). This shows BARs SLOF programmed but left
  undecoded (SLOF enables decoding only where it has a driver), which QMP cannot show.
- QMP `query-pci`: the BARs QEMU has mapped (decoding on); each is checked against the register.

Observation (one JSON object on stdout):

    {"outcome": "ok" | "refused" | "timeout" | "oracle-error",
     "error": null | {"source": "qemu" | "oracle", "message": "..."},
     "phbs": [{"index", "buid", "io", "mem32", "mem64": null | {"start", "end", "pci_address"},
               "functions": [{"slot": "SS.F", "vendor_id", "device_id", "class", "header_type",
                              "command", "bars": [{"index", "kind", "size", "programmed",
                                                   "mapped": null | "0x..."}]}]}],
     "oracle": {"qemu_version", "slof_sha256", "boot_seconds", ...metadata, not compared}}

Functions behind bridges are read too (slot "BB:SS.F", the bridge's bus numbers and windows under "bridge");
aperture refuses bridges on a PHB today, so they are not compared yet.

CLI:  python3 pseries_oracle.py [--qemu BIN] [--timeout S] -- <qemu args...>
Python 3 standard library only.
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import live_processes  # noqa: E402

QEMU_BIN = "qemu-system-ppc64"
# SLOF with auto-boot?=false reaches its prompt in 10-15 s of TCG time alone here; two boots in
# parallel on two shared cores take longer.
DEFAULT_TIMEOUT = 150.0
COMMAND_TIMEOUT = 60.0
# QEMU include/hw/pci-host/spapr.h SPAPR_PCI_BASE_BUID: PHB index i has BUID base + i.
SPAPR_PCI_BASE_BUID = 0x800000020000000
# QEMU hw/ppc/spapr.c phb_placement_2_7: legacy placement allows indexes up to 255 (new-style: 30).
MAX_PHB_INDEX = 255
PROMPT = b"0 >"
# Debian 12's qemu-system-data: the SLOF that qemu-system-ppc64 -machine pseries loads by default.
SLOF_IMAGE = "/usr/share/qemu/slof.bin"
PROGNAME_PREFIX = "qemu-system-ppc64: "

# Forth words defined in each PHB node (after `dev /pci@BUID`, so config-l@ is the PHB's method).
# bsz ( reg -- mask ): size a BAR register and restore it.
# fn. ( cfg -- ): print "FN cfg id class hdr cmd" then, for BAR0-5 and the ROM (0x30), "value mask";
#   decoding is switched off around the sizing and the command register restored.
# fscan ( bus -- ): every devfn of that bus whose vendor ID is not 0xffff.
FORTH_WORDS = [
    ": cl@ config-l@ ;",
    ": bsz dup cl@ >r ffffffff over config-l! dup cl@ swap r> swap config-l! ;",
    ": fn. cr .\" FN \" dup . dup cl@ . dup 8 + cl@ . dup c + cl@ . dup 4 + config-w@ dup . "
    "0 2 pick 4 + config-w! 7 0 do over i 4 * 10 + + i 6 = if 8 + then dup cl@ . bsz . loop "
    "over 4 + config-w! drop ;",
    ": fscan 10 lshift 100 0 do dup i 8 lshift or dup cl@ ffff and ffff <> if fn. else drop then loop drop cr ;",
    ": p.l 0 ?do dup i + l@ . 4 +loop drop ;",
    ": rng. s\" ranges\" get-node get-package-property 0= if cr .\" RANGES \" p.l cr then ;",
]

# Every QEMU started is registered in the x86 oracle's live_processes, killed on a signal or exit.
_kill = live_processes.kill
kill_all = live_processes.kill_all


class Console:
    """SLOF's serial console on QEMU's stdout/stdin."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.buf = b""
        self.log = b""
        self.serial = 777000

    def read_until(self, needle: bytes, deadline: float) -> bool:
        while needle not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([self.proc.stdout], [], [], min(left, 0.5))
            if r:
                data = os.read(self.proc.stdout.fileno(), 65536)
                if not data:
                    return False
                self.buf += data
                self.log += data
            elif self.proc.poll() is not None:
                return needle in self.buf
        return True

    def command(self, line: str, timeout: float = COMMAND_TIMEOUT) -> str:
        """Send one line; return what SLOF printed up to a sentinel that the echo cannot contain
        (`N 1+ .` prints N+1; the echo shows only N)."""
        self.serial += 10
        sentinel = str(self.serial + 1)   # hex N+1: N ends in 0, so only the last digit changes
        self.buf = b""
        self.proc.stdin.write(f"{line} {self.serial} 1+ .\r".encode())
        self.proc.stdin.flush()
        if not self.read_until(sentinel.encode() + b" ", time.monotonic() + timeout):
            raise TimeoutError(f"SLOF did not answer {line[:60]!r}: {self.buf[-300:]!r}")
        out = self.buf.decode(errors="replace")
        return out[: out.rfind(sentinel)]


def qmp_query_pci(sock_path: str, deadline: float) -> list:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(max(1.0, deadline - time.monotonic()))
    s.connect(sock_path)
    f = s.makefile("rwb")

    def reply():
        while True:
            line = f.readline()
            if not line:
                raise ConnectionError("QMP closed")
            msg = json.loads(line)
            if "return" in msg or "error" in msg:
                return msg

    f.readline()   # greeting
    for cmd in ({"execute": "qmp_capabilities"}, {"execute": "query-pci"}):
        f.write(json.dumps(cmd).encode() + b"\n")
        f.flush()
        msg = reply()
        if "error" in msg:
            raise RuntimeError(f"QMP {cmd['execute']}: {msg['error']}")
    s.close()
    return msg["return"]


def slof_sha256() -> str | None:
    """The SLOF image this QEMU loads (its data directory's slof.bin), so a recording names its firmware."""
    import hashlib
    try:
        with open(SLOF_IMAGE, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def hx(v: int) -> str:
    return hex(v)


def parse_ranges(words: list[int]) -> dict:
    """`ranges` of a PHB node: 3 child cells (phys.hi, mid, lo), 2 parent cells, 2 size cells."""
    out = {"io": None, "mem32": None, "mem64": None}
    for k in range(0, len(words) - 6, 7):
        hi, cm, cl, pm, pl, sm, sl = words[k:k + 7]
        space = (hi >> 24) & 3
        child = (cm << 32) | cl
        parent = (pm << 32) | pl
        size = (sm << 32) | sl
        name = {1: "io", 2: "mem32", 3: "mem64"}.get(space)
        if name and size:
            out[name] = {"start": hx(parent), "end": hx(parent + size - 1), "pci_address": hx(child)}
    return out


def decode_bars(regs: list[tuple[int, int]]) -> list[dict]:
    """regs: (value, sizing read-back) of BAR0-5 and the ROM register of a type-0 header."""
    bars = []
    i = 0
    while i < 6:
        val, mask = regs[i]
        if mask == 0:
            i += 1
            continue
        if mask & 1:
            size_mask = mask & 0xFFFFFFFC
            size = ((~size_mask) & 0xFFFFFFFF) + 1
            bars.append({"index": i, "kind": "io", "size": size, "programmed": hx(val & 0xFFFFFFFC)})
            i += 1
            continue
        is64 = (mask >> 1) & 3 == 2
        pref = bool(mask & 8)
        addr = val & 0xFFFFFFF0
        full_mask = mask & 0xFFFFFFF0
        if is64 and i + 1 < 6:
            hval, hmask = regs[i + 1]
            addr |= hval << 32
            full_mask |= hmask << 32
            size = ((~full_mask) & 0xFFFFFFFFFFFFFFFF) + 1
        else:
            size = ((~full_mask) & 0xFFFFFFFF) + 1
        kind = ("mem64" if is64 else "mem32") + (" pref" if pref else "")
        bars.append({"index": i, "kind": kind, "size": size, "programmed": hx(addr)})
        i += 2 if is64 else 1
    val, mask = regs[6]
    if mask & 0xFFFFF800:
        bars.append({"index": 6, "kind": "rom", "size": ((~(mask & 0xFFFFF800)) & 0xFFFFFFFF) + 1,
                     "programmed": hx(val & 0xFFFFF800)})
    return bars


# Bridges are walked to this depth below the PHB's bus 0 (a loop guard: secondary bus numbers come from SLOF).
MAX_BRIDGE_DEPTH = 8


def decode_bridge(regs: list[tuple[int, int]]) -> dict:
    """A type-1 header's bus numbers and windows (registers 0x18-0x24; the sizing reads are ignored); the
    prefetchable window's upper halves are added by add_pref_upper."""
    v = [r[0] for r in regs]
    buses, iobl, meml, prefl = v[2], v[3], v[4], v[5]
    def window(base, limit, gran):
        return None if limit < base else {"base": hx(base), "limit": hx(limit + gran - 1)}
    return {
        "secondary": (buses >> 8) & 0xFF, "subordinate": (buses >> 16) & 0xFF,
        "io": window((iobl & 0xF0) << 8, (iobl >> 8 & 0xF0) << 8, 0x1000),
        "mem": window((meml & 0xFFF0) << 16, ((meml >> 16) & 0xFFF0) << 16, 0x100000),
        # low halves only until add_pref_upper: whether it is open depends on the upper halves too
        "pref": {"base": hx((prefl & 0xFFF0) << 16), "limit": hx((((prefl >> 16) & 0xFFF0) << 16) + 0xFFFFF)},
    }


def add_pref_upper(bridge: dict, upper_base: int, upper_limit: int) -> None:
    """Registers 0x28/0x2c: the upper 32 bits of a 64-bit prefetchable window."""
    w = bridge.get("pref")
    if w is not None:
        base, limit = int(w["base"], 16) | upper_base << 32, int(w["limit"], 16) | upper_limit << 32
        bridge["pref"] = {"base": hx(base), "limit": hx(limit)} if limit >= base else None


def parse_scan(text: str, bus: int = 0) -> list[dict]:
    """Functions of one bus as fscan printed them; slot "SS.F" on bus 0, "BB:SS.F" behind a bridge."""
    funcs = []
    for line in text.splitlines():
        m = re.search(r"FN ((?:[0-9a-f]+ ){19})", line + " ")
        if not m:
            continue
        n = [int(w, 16) for w in m.group(1).split()]
        cfg, ids, cls, hdr, cmd = n[:5]
        regs = [(n[5 + 2 * k], n[6 + 2 * k]) for k in range(7)]
        header_type = (hdr >> 16) & 0x7F
        dev, fn = (cfg >> 11) & 0x1F, (cfg >> 8) & 7
        funcs.append({
            "slot": f"{dev:02x}.{fn}" if bus == 0 else f"{bus:02x}:{dev:02x}.{fn}",
            "vendor_id": hx(ids & 0xFFFF), "device_id": hx(ids >> 16),
            "class": hx(cls >> 8), "header_type": header_type, "command": hx(cmd),
            "bars": decode_bars(regs) if header_type == 0 else decode_bars(regs[:2] + [(0, 0)] * 5),
        })
        if header_type == 1:
            funcs[-1]["bridge"] = decode_bridge(regs)
    return funcs


def attach_query_pci(phbs: list[dict], qpci: list) -> list[str]:
    """Record the address QEMU mapped for each BAR. query-pci lists the root buses newest host bridge
    first (hw/pci/pci.c pci_host_bus_register inserts at the head), i.e. reverse creation order; PHBs
    are created in index order only if the command line says so, so a bus is matched to the PHB whose
    bus-0 functions (slot, vendor, device) it equals, in reverse order among equals. Returns problems."""
    problems = []
    def sig_q(bus):
        return sorted((f"{d['slot']:02x}.{d['function']}", d["id"]["vendor"], d["id"]["device"])
                      for d in bus.get("devices", []))
    def sig_p(phb):
        return sorted((f["slot"], int(f["vendor_id"], 16), int(f["device_id"], 16)) for f in phb["functions"]
                      if ":" not in f["slot"])
    free = list(range(len(phbs)))
    for bus in qpci:
        s = sig_q(bus)
        cands = [k for k in free if sig_p(phbs[k]) == s]
        if not cands:
            problems.append(f"query-pci bus with {s} matches no PHB read from SLOF")
            continue
        k = cands[-1]
        free.remove(k)
        phb = phbs[k]
        byslot = {f["slot"]: f for f in phb["functions"]}
        for d in bus.get("devices", []):
            f = byslot.get(f"{d['slot']:02x}.{d['function']}")
            if f is None:
                continue
            f["qdev_id"] = d.get("qdev_id") or None
            qbars = {b["bar"]: b for b in d.get("regions", [])}
            for b in f["bars"]:
                q = qbars.get(b["index"])
                mapped = None
                if q is not None and q.get("address") not in (None, 0xFFFFFFFFFFFFFFFF, -1):
                    mapped = hx(q["address"])
                    if mapped != b["programmed"]:
                        problems.append(f"PHB {phb['index']} {f['slot']} BAR{b['index']}: QEMU maps "
                                        f"{mapped}, register says {b['programmed']}")
                if q is not None and q.get("size") != b["size"]:
                    problems.append(f"PHB {phb['index']} {f['slot']} BAR{b['index']}: QEMU size "
                                    f"{q.get('size')}, sizing read {b['size']}")
                b["mapped"] = mapped
    if free:
        problems.append(f"{len(free)} PHB(s) not in query-pci")
    return problems


def observe(args: list[str], qemu: str = QEMU_BIN, timeout: float = DEFAULT_TIMEOUT) -> dict:
    obs = {"outcome": "oracle-error", "error": None, "phbs": [], "oracle": {}}
    qemu_path = shutil.which(qemu) or qemu
    try:
        ver = subprocess.run([qemu_path, "--version"], capture_output=True, text=True, timeout=30)
        obs["oracle"]["qemu_version"] = ver.stdout.splitlines()[0] if ver.stdout else None
    except (OSError, subprocess.TimeoutExpired) as e:
        obs["error"] = {"source": "oracle", "message": f"cannot run {qemu}: {e}"}
        return obs
    tmp = tempfile.mkdtemp(prefix="pseries-oracle-")
    sock = os.path.join(tmp, "qmp.sock")
    cmd = [qemu_path, "-accel", "tcg", "-display", "none", "-no-user-config", "-serial", "stdio",
           "-prom-env", "auto-boot?=false", "-qmp", f"unix:{sock},server=on,wait=off"] + list(args)
    obs["oracle"]["command"] = cmd
    t0 = time.monotonic()
    deadline = t0 + timeout
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, cwd=tmp)
    live_processes.register(proc)
    con = Console(proc)
    try:
        if not con.read_until(PROMPT, deadline):
            try:   # the console closed: QEMU is exiting (a refusal), give it a moment
                proc.wait(timeout=max(0.1, min(10.0, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                pass
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace").strip()
                lines = [l[len(PROGNAME_PREFIX):] if l.startswith(PROGNAME_PREFIX) else l
                         for l in err.splitlines() if l.strip()]
                obs["outcome"] = "refused"
                obs["error"] = {"source": "qemu", "message": "\n".join(lines) or f"exit {proc.returncode}"}
                return obs
            obs["outcome"] = "timeout"
            obs["error"] = {"source": "oracle", "message": f"no SLOF prompt within {timeout:.0f} s"}
            return obs
        obs["oracle"]["boot_seconds"] = round(time.monotonic() - t0, 1)
        obs["oracle"]["slof_sha256"] = slof_sha256()
        root = con.command("dev / ls")
        # PHB nodes are named by BUID; a bridge below one is also "pci@<slot>", so keep only BUIDs.
        buids = sorted({b for b in (int(m, 16) for m in re.findall(r"\bpci@([0-9a-f]+)\b", root))
                        if SPAPR_PCI_BASE_BUID <= b < SPAPR_PCI_BASE_BUID + MAX_PHB_INDEX + 1})
        phbs = []
        for buid in buids:
            con.command(f"dev /pci@{buid:x}")
            for w in FORTH_WORDS:
                con.command(w)
            functions = []
            pending, seen = [(0, 0)], set()
            while pending:
                bus, depth = pending.pop(0)
                if bus in seen or depth > MAX_BRIDGE_DEPTH:
                    continue
                seen.add(bus)
                scan = con.command(f"{bus:x} fscan", timeout=max(COMMAND_TIMEOUT, deadline - time.monotonic()))
                found = parse_scan(scan, bus)
                for f in found:
                    if f.get("bridge"):
                        dev, fn = int(f["slot"][-4:-2], 16), int(f["slot"][-1])
                        cfg = bus << 16 | dev << 11 | fn << 8
                        up = re.findall(r"\b([0-9a-f]+)\b",
                                        con.command(f"{cfg + 0x28:x} cl@ . {cfg + 0x2c:x} cl@ . ").split("\n")[-1])
                        if len(up) >= 2:
                            add_pref_upper(f["bridge"], int(up[-2], 16), int(up[-1], 16))
                functions += found
                pending += [(f["bridge"]["secondary"], depth + 1) for f in found
                            if f.get("bridge") and f["bridge"]["secondary"] > bus]
            rng = con.command("rng.")
            m = re.search(r"RANGES ((?:[0-9a-f]+ )+)", rng)
            windows = parse_ranges([int(w, 16) for w in m.group(1).split()]) if m else \
                {"io": None, "mem32": None, "mem64": None}
            phbs.append({"index": buid - SPAPR_PCI_BASE_BUID, "buid": hx(buid), **windows,
                         "functions": functions})
        obs["phbs"] = phbs
        problems = attach_query_pci(phbs, qmp_query_pci(sock, deadline))
        obs["oracle"]["seconds"] = round(time.monotonic() - t0, 1)
        if problems:
            obs["outcome"] = "oracle-error"
            obs["error"] = {"source": "oracle", "message": "; ".join(problems)}
        else:
            obs["outcome"] = "ok"
        return obs
    except (TimeoutError, OSError, RuntimeError, ConnectionError, ValueError) as e:
        obs["outcome"] = "timeout" if isinstance(e, TimeoutError) else "oracle-error"
        obs["error"] = {"source": "oracle", "message": str(e)}
        obs["oracle"]["console_tail"] = con.log[-2000:].decode(errors="replace")
        return obs
    finally:
        _kill(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qemu", default=QEMU_BIN, help="qemu-system-ppc64 binary (default: from PATH)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds for the whole boot")
    ap.add_argument("qemu_args", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    args = a.qemu_args[1:] if a.qemu_args[:1] == ["--"] else a.qemu_args
    if not args:
        ap.error("expected QEMU arguments after --")
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: (kill_all(), sys.exit(130)))
    obs = observe(args, a.qemu, a.timeout)
    json.dump(obs, sys.stdout, indent=2)
    print()
    return 0 if obs["outcome"] in ("ok", "refused") else 1


if __name__ == "__main__":
    sys.exit(main())
