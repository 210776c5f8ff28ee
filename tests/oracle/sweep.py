#!/usr/bin/env python3
"""Random differential sweep: aperture's prediction vs. real QEMU + firmware.

    python3 sweep.py --aperture build/aperture --seed 1 --count 50 [--jobs 2]
                     [--stack NAME | --firmware seabios|ovmf] [--out results.jsonl[.gz]] [--fail-fast]
    python3 sweep.py --aperture build/aperture --case-args "-machine q35 -m 2G -nodefaults ..."
    python3 sweep.py --oracle-only --seed 1 --count 30      # generator self-check, no aperture
    python3 sweep.py --oracle-only --stack qemu-10.0+seabios-1.16.3 --seed 5 --count 200 \
                     --out tests/oracle/recorded/qemu-10.0+seabios-1.16.3.jsonl.gz   # a recording
    python3 sweep.py --aperture build/aperture --seed 7 --count 40 --pxb   # with PCI expander bridges
    python3 sweep.py --aperture build/aperture --seed 7 --count 40 --strict-boot   # -boot strict=on, bootindex=
    python3 sweep.py --aperture build/aperture --replay results.jsonl[.gz]
                                   # compare against the observations recorded in a sweep's --out

--stack names a QEMU + firmware stack of stacks.py (default qemu-7.2+seabios-1.16.2, Debian 12's;
--firmware seabios|ovmf means the system stacks). Case i of a sweep uses
gen_cases.generate_case(seed * 100000 + i, stack.firmware_name, stack.qemu). For each case it runs
`APERTURE plan --format json --qemu R --firmware F-V -- <args>` (the stack's aperture arguments),
boots the oracle (qemu_oracle.observe), checks that the boot came from the stack's binaries (the
`qemu --version` line and the SeaBIOS banner), compares (compare.compare) and prints one line per
case:

    case 17 PASS
    case 18 FAIL: 01:00.0 BAR2 address: predicted 0x800000000, QEMU 0x1000000000; ...
      args: -machine q35 ...

and finally exactly one line "N passed, M failed". Exit status 0 iff M == 0.

A non-zero aperture exit status with outcome JSON on stdout is a prediction (e.g. "refused");
no JSON at all (crash, unknown option, missing binary) fails the case without booting QEMU.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import glob
import gzip
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import compare as cmp  # noqa: E402
import gen_cases  # noqa: E402
import compare_memmap  # noqa: E402
import qemu_oracle  # noqa: E402
import stacks  # noqa: E402

MAX_JOBS = 2          # each TCG boot keeps one core busy; the CI machines have two
APERTURE_TIMEOUT = 120.0


def case_seed(seed: int, i: int) -> int:
    return seed * 100000 + i


def predict(aperture: str, args: list, stack, extra: list) -> tuple:
    """Run aperture with the stack's arguments (--qemu R --firmware F-V); returns (prediction dict
    or None, problem string or None, info dict)."""
    cmd = [aperture, "plan", "--format", "json"] + stack.aperture_args
    cmd += list(extra) + ["--"] + list(args)
    info = {"command": cmd}
    if not os.path.exists(aperture):
        return None, "aperture binary not found: %s" % aperture, info
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as e:
        return None, "aperture could not be run: %s" % e, info
    try:
        qemu_oracle._register(proc)   # killed with the QEMUs on SIGTERM/SIGINT
        out_b, err_b = proc.communicate(timeout=APERTURE_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "aperture timed out after %gs" % APERTURE_TIMEOUT, info
    finally:
        qemu_oracle._kill(proc)
    info["exit_code"] = proc.returncode
    out = out_b.decode("utf-8", "replace")
    err = err_b.decode("utf-8", "replace")
    if err.strip():
        info["stderr"] = err[-4000:]
    try:
        plan = json.loads(out)
    except ValueError:
        plan = None
    if not isinstance(plan, dict) or "outcome" not in plan:
        first = (err.strip().splitlines() or out.strip().splitlines() or [""])[0]
        rc = proc.returncode
        how = ("crashed (signal %d)" % -rc) if rc < 0 else "exit %d" % rc
        return None, "aperture gave no plan JSON (%s): %s" % (how, first[:300]), info
    return plan, None, info


def check_placements(placements: dict, observed: dict) -> list:
    """--oracle-only: did QEMU put each device with an id where the generator expected?"""
    diffs = []
    funcs = observed.get("functions") or []
    by_id = {f["id"]: f for f in funcs if f.get("id")}
    for dev_id, (bus, slot, fn) in sorted(placements.items()):
        f = by_id.get(dev_id)
        if f is None:
            diffs.append("device %s not found in query-pci" % dev_id)
            continue
        b, d, fno = qemu_oracle.bdf_key(f["bdf"])
        if bus in ("pcie.0", "pci.0"):
            want_bus = 0
        else:
            parent = by_id.get(bus)
            want_bus = (parent.get("bridge") or {}).get("secondary_bus") if parent else None
        if (b, d, fno) != (want_bus, slot, fn):
            diffs.append("device %s at %s, generator expected bus %s (%s) slot 0x%x fn %d"
                         % (dev_id, f["bdf"], bus, want_bus, slot, fn))
    return diffs


PHYS_BITS_REFUSAL_RE = re.compile(
    r"Address space limit (0x[0-9a-f]+) < (0x[0-9a-f]+) phys-bits too low \((\d+)\)")


def oracle_accepts(intent: str, observed: dict, expect: dict | None = None) -> list:
    """--oracle-only: is the oracle's outcome what the generator meant? expect (the generator's
    info): a refusal must name its max_used_gpa and, where known, its phys_bits."""
    o = observed.get("outcome")
    msg = (observed.get("error") or {}).get("message")
    if o in ("timeout", "oracle-error"):
        return ["oracle %s: %s" % (o, msg)]
    if intent == "refuse" and o != "refused":
        return ["generator meant a phys-bits refusal, QEMU said %s" % o]
    if intent != "refuse" and o == "refused":
        return ["QEMU refused the command line: %s" % msg]
    if intent == "refuse":
        m = PHYS_BITS_REFUSAL_RE.search(msg or "")
        if not m:
            return ["refused for another reason: %s" % msg]
        expect = expect or {}
        out = []
        want = expect.get("max_used_gpa")
        if want is not None and int(m.group(2), 16) != int(want, 16):
            out.append("QEMU's max used address %s, generator predicted %s" % (m.group(2), want))
        bits = expect.get("phys_bits")
        if bits is not None and int(m.group(3)) != bits:
            out.append("QEMU refused with phys-bits %s, generator expected %d" % (m.group(3), bits))
        if int(m.group(1), 16) != (1 << int(m.group(3))) - 1:
            out.append("QEMU's limit %s is not 2^%s - 1" % (m.group(1), m.group(3)))
        return out
    return []


def boot(args: list, stack, ns, i: int) -> tuple:
    """Boot the oracle on the stack; returns (observation, problems). Problems (the boot did not
    come from the stack's QEMU / SeaBIOS) fail the case before anything is compared."""
    keep = os.path.join(ns.keep, "case-%d" % i) if ns.keep else None
    obs = qemu_oracle.observe(args, timeout=ns.timeout, keep=keep, stack=stack, memmap=ns.memmap)
    if obs.get("outcome") in ("timeout", "oracle-error"):
        return obs, []
    return obs, stacks.version_problems(stack, obs)


def run_case(i: int, args: list, intent: str | None, ns, placements=None, stack=None,
             expect: dict | None = None) -> dict:
    stack = stack or ns.stack
    rec = {"case": i, "args": args, "stack": stack.name, "firmware": stack.firmware}
    if intent is not None:
        rec["intent"] = intent
    t0 = time.monotonic()
    if ns.oracle_only:
        obs, wrong = boot(args, stack, ns, i)
        rec["observed"] = obs
        rec["diffs"] = wrong or oracle_accepts(intent or "ok", obs, expect)
        if not wrong and placements and obs.get("outcome") == "ok":
            rec["diffs"] += check_placements(placements, obs)
    else:
        plan, problem, info = predict(ns.aperture, args, stack, ns.aperture_arg)
        rec["aperture"] = info
        rec["predicted"] = plan
        if problem:
            rec["diffs"] = [problem]
        else:
            wrong = []
            if i in ns.recorded:
                obs = ns.recorded[i]
            else:
                obs, wrong = boot(args, stack, ns, i)
            rec["observed"] = obs
            if wrong:
                rec["diffs"] = ["wrong binaries: " + w for w in wrong]
            else:
                try:
                    rec["diffs"] = cmp.compare(plan, obs)
                except Exception as e:  # a malformed plan must not kill the sweep
                    rec["diffs"] = ["compare failed on the plan JSON: %s: %s"
                                    % (type(e).__name__, e)]
    memmap_verdict(rec)
    rec["status"] = "FAIL" if rec["diffs"] else "PASS"
    rec["elapsed"] = round(time.monotonic() - t0, 2)
    return rec


def memmap_verdict(rec: dict) -> None:
    """When the boot read the OS memory map (--memmap, or a recording that has one): compare it with the
    prediction and keep the verdict apart (memmap_status PASS / FAIL / ERROR, memmap_diffs), so that a
    sweep reports memory-map agreement separately from PCI; its differences also fail the case."""
    obs = rec.get("observed") or {}
    memmap = obs.get("memmap")
    if memmap is None:
        return
    if "error" in memmap:
        rec["memmap_status"] = "ERROR"
        rec["memmap_diffs"] = ["memmap: not observed: %s" % memmap["error"]]
    elif "predicted" not in rec:
        rec["memmap_status"] = "OBSERVED"
        rec["memmap_diffs"] = []
        return
    else:
        rec["memmap_diffs"] = compare_memmap.compare_memmap((rec.get("predicted") or {}).get("e820"), memmap)
        rec["memmap_status"] = "FAIL" if rec["memmap_diffs"] else "PASS"
    rec["diffs"] = list(rec.get("diffs") or []) + rec["memmap_diffs"]


# ---------------------------------------------------------------------------------------------
# Recordings: one JSON record per line, gzip when the name ends in .gz. A .gz recording is kept
# compact: what compare.py needs and the version metadata, not QEMU's command, stderr or logs.

ORACLE_META_KEPT = ("stack", "firmware", "qemu_version_line", "firmware_version", "seabios_banner",
                    "exit_code", "elapsed")


def compact_record(rec: dict) -> dict:
    out = {k: rec[k] for k in ("case", "seed", "stack", "firmware", "intent", "args", "status",
                               "diffs", "predicted", "memmap_status", "memmap_diffs") if k in rec}
    obs = rec.get("observed")
    if obs is not None:
        o = {k: obs.get(k) for k in ("outcome", "error", "e820", "functions")}
        if "memmap" in obs:
            o["memmap"] = obs["memmap"]
        o["oracle"] = {k: obs["oracle"][k] for k in ORACLE_META_KEPT if k in (obs.get("oracle") or {})}
        out["observed"] = o
    return out


def open_out(path: str):
    if path.endswith(".gz"):
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=9)
    return open(path, "w")


def read_records(path: str) -> list:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def record_stack(rec: dict):
    """The stack a record claims (records of older sweeps: the system stack of their firmware)."""
    name = rec.get("stack") or ((rec.get("observed") or {}).get("oracle") or {}).get("stack")
    if name:
        return stacks.get(name)
    return stacks.default_for(rec.get("firmware") or "seabios")


def check_recording(path: str, records: list, want) -> list:
    """Problems that make a recording unusable for the stack `want` (None: whatever it claims):
    records of another stack, observations whose QEMU --version line or SeaBIOS banner do not
    match the stack, or a file named after another stack."""
    problems = []
    base = os.path.basename(path)
    for suffix in (".jsonl.gz", ".jsonl"):
        if base.endswith(suffix) and base[:-len(suffix)] in stacks.STACKS:
            named = stacks.get(base[:-len(suffix)])
            if want is not None and named is not want:
                problems.append("%s is named after stack %s, not %s" % (base, named.name, want.name))
            want = want or named
    for rec in records:
        st = record_stack(rec)
        if want is not None and st is not want:
            problems.append("case %s is a record of stack %s, not %s" % (rec.get("case"), st.name,
                                                                       want.name))
            continue
        obs = rec.get("observed")
        if not obs or obs.get("outcome") in ("timeout", "oracle-error"):
            continue
        meta = obs.get("oracle") or {}
        if "stack" not in meta and "qemu_version_line" not in meta and st.is_system:
            continue   # a recording of the system stack made before stacks were recorded
        problems += ["case %s: %s" % (rec.get("case"), p) for p in stacks.version_problems(st, obs)]
    return problems



def spread_sample(records, n):
    """n records spaced evenly over the whole list: a recording's later records (the failures, the newer
    features) are as likely to be replayed as its first ones."""
    if len(records) <= n:
        return records
    return [records[i * len(records) // n] for i in range(max(n, 0))]

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="aperture vs. QEMU differential sweep")
    ap.add_argument("--aperture", help="path to the aperture binary")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--start", type=int, default=0, help="first case index (default 0)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--stack", choices=sorted(stacks.STACKS),
                    help="the QEMU + firmware stack (stacks.py; default qemu-7.2+seabios-1.16.2); "
                         "with --replay, the stack the recording must be of")
    ap.add_argument("--firmware", choices=("seabios", "ovmf"), default=None,
                    help="the system stack of this firmware (Debian 12's QEMU 7.2 with SeaBIOS "
                         "1.16.2 or OVMF 2022.11)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="oracle time limit per boot (default 30 s SeaBIOS, 120 s OVMF)")
    ap.add_argument("--out", help="write one JSON record per case to this .jsonl file (.jsonl.gz: "
                                  "gzip, compact records)")
    ap.add_argument("--fail-fast", action="store_true", help="stop after the first failure")
    ap.add_argument("--case-args", help="run this single QEMU command line instead of generated "
                                        "cases")
    ap.add_argument("--golden", metavar="DIR",
                    help="run the 'args:' line of every DIR/*.golden case (the golden report tests) "
                         "instead of generated cases, so their addresses are real QEMU's too")
    ap.add_argument("--aperture-arg", action="append", default=[],
                    help="extra argument passed to 'aperture plan' (repeatable)")
    ap.add_argument("--oracle-only", action="store_true",
                    help="no aperture: check that QEMU accepts the generated cases (only the "
                         "deliberate phys-bits refusals may be refused)")
    ap.add_argument("--replay-limit", type=int, metavar="N",
                    help="with --replay, compare only N records spread evenly over the recording (the "
                         "sanitized suite's subset)")
    ap.add_argument("--replay", metavar="JSONL",
                    help="no boots: compare against the observations recorded in an earlier "
                         "sweep's --out file (.jsonl or .jsonl.gz: its cases, args and stack)")
    ap.add_argument("--keep", metavar="DIR", help="keep oracle artifacts in DIR/case-N")
    ap.add_argument("--pxb", action="store_true",
                    help="generated cases also get PCI expander bridges (gen_cases.generate_case pxb=True)")
    ap.add_argument("--strict-boot", action="store_true",
                    help="generated cases also get -boot strict=on and bootindex= values (generate_case strict_boot=True)")
    ap.add_argument("--memmap", action="store_true",
                    help="OVMF stacks: also read the UEFI shell's memmap over the serial console, convert it "
                         "to the OS's e820 table and compare it with the plan's (counted separately; a "
                         "recording that has memory maps is always compared)")
    ap.add_argument("--max-diffs", type=int, default=3,
                    help="differences shown on a FAIL line (all are in --out)")
    ns = ap.parse_args(argv)
    if not ns.oracle_only and not ns.aperture:
        ap.error("--aperture is required (or use --oracle-only)")
    if ns.aperture:
        ns.aperture = os.path.abspath(ns.aperture)
    jobs = max(1, min(ns.jobs, MAX_JOBS, os.cpu_count() or 1))
    if ns.stack and ns.firmware and stacks.get(ns.stack).firmware != ns.firmware:
        ap.error("--stack %s is not a %s stack (--firmware means the system stacks)"
                 % (ns.stack, ns.firmware))
    want_stack = stacks.get(ns.stack) if ns.stack else None
    ns.stack = want_stack or stacks.default_for(ns.firmware or "seabios")
    ns.firmware = ns.stack.firmware
    qemu_oracle.install_signal_handlers()

    ns.recorded = {}
    if ns.replay:
        if ns.oracle_only:
            ap.error("--replay compares aperture with recorded boots; --oracle-only has nothing to do")
        records = read_records(ns.replay)
        problems = check_recording(ns.replay, records, want_stack)
        if problems:
            print("sweep: %s cannot be replayed: %s" % (ns.replay, "; ".join(problems[:5])) +
                  ("; ... (%d problems)" % len(problems) if len(problems) > 5 else ""),
                  file=sys.stderr, flush=True)
            print("0 passed, %d failed" % max(1, len(records)), flush=True)
            return 2
        if not records:
            print("sweep: %s holds no records" % ns.replay, file=sys.stderr)
            return 2
        cases = []
        for rec in records:
            obs = rec.get("observed")
            if not obs or obs.get("outcome") in ("timeout", "oracle-error"):
                continue   # nothing real to compare with
            ns.recorded[rec["case"]] = obs
            cases.append((rec["case"], rec["args"], rec.get("intent"), None, record_stack(rec)))
        if ns.replay_limit is not None:
            cases = spread_sample(cases, ns.replay_limit)
        claimed = sorted({c[4].name for c in cases})
        print("replaying %d records of %s from %s" % (len(cases), ", ".join(claimed), ns.replay),
              flush=True)
    elif ns.case_args is not None:
        cases = [(0, shlex.split(ns.case_args), None, None, None)]
    elif ns.golden:
        cases = []
        for i, path in enumerate(sorted(glob.glob(os.path.join(ns.golden, "*.golden")))):
            header = open(path).read().partition("\n---\n")[0]
            if any(l.startswith("xml:") or l.startswith("stdin:") for l in header.splitlines()):
                continue  # a libvirt domain: its QEMU side is covered by the libvirt corpus tests
            if any(l.startswith("xl:") for l in header.splitlines()):
                continue   # a Xen case: nothing here can boot Xen
            if any(l.startswith("proxmox:") for l in header.splitlines()):
                continue   # Proxmox's pve-qemu-kvm (-id, +pveN types) is not a binary the oracle has
            args = next((l.partition(":")[2] for l in header.splitlines() if l.startswith("args:")), None)
            if args is None:
                ap.error("%s has no 'args:' line" % path)
            # A case that passes a host device through cannot boot here; it says so and is not counted.
            skip = next((l.partition(":")[2].strip() for l in header.splitlines() if l.startswith("oracle:")), None)
            if skip:
                print("case %s not booted: %s" % (os.path.basename(path), skip), flush=True)
                continue
            options = shlex.split(next((l.partition(":")[2] for l in header.splitlines()
                                        if l.startswith("options:")), ""))
            stack = None
            if "--firmware" in options:
                firmware = options[options.index("--firmware") + 1]
                if firmware != ns.stack.firmware:
                    stack = stacks.default_for(firmware)
            print("case %d is %s" % (i, os.path.basename(path)), flush=True)
            cases.append((i, shlex.split(args), None, None, stack))
    else:
        cases = []
        for i in range(ns.start, ns.start + ns.count):
            c = gen_cases.generate_case(case_seed(ns.seed, i), ns.stack.firmware_name, ns.stack.qemu, ns.pxb,
                                        ns.strict_boot)
            cases.append((i, c["args"], c["intent"], c.get("placements"), None, c))

    if not ns.replay:
        # Every stack that will boot must be there, and be what it claims, before the first boot.
        for st in sorted({c[4] or ns.stack for c in cases}, key=lambda x: x.name):
            try:
                line = st.resolve().qemu_version_line()
            except stacks.StackMissing as e:
                print("sweep: %s" % e, file=sys.stderr, flush=True)
                print("0 passed, %d failed" % len(cases), flush=True)
                return 2
            if not stacks._qemu_line_matches(st.qemu, line):
                print("sweep: stack %s expects QEMU %s, its binary says %r"
                      % (st.name, st.qemu, line), file=sys.stderr, flush=True)
                print("0 passed, %d failed" % len(cases), flush=True)
                return 2

    compact = bool(ns.out and ns.out.endswith(".gz"))
    out = open_out(ns.out) if ns.out else None
    passed = failed = 0
    memmap_counts: dict = {}
    stop = threading.Event()
    results: dict = {}
    next_print = 0
    lock = threading.Lock()

    def report(rec):
        nonlocal passed, failed
        i = rec["case"]
        if "memmap_status" in rec:
            memmap_counts[rec["memmap_status"]] = memmap_counts.get(rec["memmap_status"], 0) + 1
        if rec["status"] == "PASS":
            passed += 1
            line = "case %d PASS" % i
            if ns.oracle_only:
                line += " (%s, %.1fs)" % (rec["observed"]["outcome"], rec["elapsed"])
            print(line, flush=True)
        else:
            failed += 1
            d = rec["diffs"]
            shown = "; ".join(d[:ns.max_diffs])
            if len(d) > ns.max_diffs:
                shown += "; ... (%d differences)" % len(d)
            print("case %d FAIL: %s" % (i, shown), flush=True)
            print("  args: %s" % " ".join(shlex.quote(a) for a in rec["args"]), flush=True)
        if out:
            if compact:
                out.write(json.dumps(compact_record(rec), separators=(",", ":")) + "\n")
            else:
                out.write(json.dumps(rec) + "\n")
            out.flush()

    def worker(case):
        i, args, intent, placements, stack = case[:5]
        expect = case[5] if len(case) > 5 else None
        if stop.is_set():
            return None
        rec = run_case(i, args, intent, ns, placements, stack or ns.stack, expect)
        if rec["status"] == "FAIL" and ns.fail_fast:
            stop.set()
        return rec

    interrupted = False
    ex = cf.ThreadPoolExecutor(max_workers=jobs)
    try:
        futs = [ex.submit(worker, c) for c in cases]
        order = [c[0] for c in cases]
        # print in case order as results come in
        for fut in cf.as_completed(futs):
            rec = fut.result()
            if rec is None:
                continue
            with lock:
                results[rec["case"]] = rec
                while next_print < len(order) and order[next_print] in results:
                    report(results.pop(order[next_print]))
                    next_print += 1
                if stop.is_set():
                    for f in futs:
                        f.cancel()
        # with --fail-fast, cases after the failure may have finished out of order
        with lock:
            for k in sorted(results):
                report(results[k])
    except BaseException:   # KeyboardInterrupt, SystemExit from SIGTERM, or a bug
        interrupted = True
        stop.set()
        qemu_oracle.shutdown()
        raise
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
        qemu_oracle.kill_all()
        if out:
            out.close()
        if interrupted:
            print("interrupted", file=sys.stderr, flush=True)
    if memmap_counts:
        print("memmap: %d agreed, %d differed, %d not observed (oracle errors), %d observed without a "
              "prediction" % (memmap_counts.get("PASS", 0), memmap_counts.get("FAIL", 0),
                              memmap_counts.get("ERROR", 0), memmap_counts.get("OBSERVED", 0)), flush=True)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
