#!/usr/bin/env python3
"""Random differential sweep of aperture's pseries model against real QEMU 7.2 ppc64 + SLOF.

    python3 sweep_pseries.py --aperture build/aperture --seed 1 --count 20 --jobs 2 [--out r.jsonl[.gz]]
    python3 sweep_pseries.py --oracle-only --seed 2001 --count 30 --out recorded/qemu-7.2+slof.jsonl.gz
    python3 sweep_pseries.py --aperture build/aperture --replay recorded/qemu-7.2+slof.jsonl.gz
    python3 sweep_pseries.py --aperture build/aperture --case-args "-M pseries -m 2G -nodefaults ..."
    python3 sweep_pseries.py --print-cases --seed 1 --count 5      # the generated command lines

Case i of a sweep is generate_case(seed * 100000 + i). For each case it runs
`APERTURE plan --format json --arch ppc64 -- <args>`, boots the oracle (pseries_oracle.observe) with the
same arguments, compares (compare()) and prints one line per case ("case N PASS", "case N FAIL: ...",
"case N UNMODELLED: ..." when aperture answers bad-input "not modelled") and finally exactly one line
"P passed, F failed, U unmodelled". Exit status 0 iff F == 0. With `--known FILE` a replay reports the
listed cases as KNOWN (an explained disagreement of the model) and fails any listed case that agrees.

Recordings (`--out NAME.jsonl.gz`) keep per case the seed, arguments and the observation (without QEMU's
command line); `--replay` compares aperture with them without QEMU.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import gzip
import json
import os
import random
import re
import shlex
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pseries_oracle  # noqa: E402

MAX_JOBS = 2          # each TCG boot keeps one core busy; the machines here have two
APERTURE_TIMEOUT = 120.0

# Machine types of QEMU 7.2 (hw/ppc/spapr.c DEFINE_SPAPR_MACHINE): new-style placement from 2.8,
# legacy before; no 64-bit window up to 2.2; DDW off up to 2.6; NVLink2 windows from 4.1.
MACHINES = ["pseries", "pseries-7.2", "pseries-7.1", "pseries-6.2", "pseries-5.2", "pseries-4.2",
            "pseries-4.1", "pseries-4.0", "pseries-3.1", "pseries-2.12", "pseries-2.11", "pseries-2.9", "pseries-2.8",
            "pseries-2.7", "pseries-2.6", "pseries-2.3", "pseries-2.2", "pseries-2.1"]
RAM = ["512M", "1G", "2G", "4G", "8G", "16G"]
# pci-testdev's membar (QEMU 7.2 hw/misc/pci-testdev.c: a 64-bit prefetchable BAR2 when non-zero).
# pseries-2.8 to 2.11 default to cap-htm=on (hw/ppc/spapr.c spapr_machine_2_11_class_options), which TCG
# cannot give ("No Transactional Memory support in TCG"); a POWER host under KVM can. The oracle runs TCG.
HTM_ON_MACHINES = {"pseries-2.8", "pseries-2.9", "pseries-2.10", "pseries-2.11"}
MEMBARS = ["64K", "1M", "16M", "256M", "1G", "4G", "64G"]

# The IDs QEMU gives each device model (QEMU 7.2 include/hw/pci/pci.h, virtio-pci.c, the devices'
# class_init): checked against the vendor/device SLOF's config reads show.
DRIVER_IDS = {
    "virtio-net-pci": (0x1AF4, 0x1000), "virtio-blk-pci": (0x1AF4, 0x1001),
    "e1000": (0x8086, 0x100E), "nvme": (0x1B36, 0x0010), "pci-testdev": (0x1B36, 0x0005),
    "pci-bridge": (0x1B36, 0x0001),
}
# hw/core/machine.c hw_compat_5_1 { "nvme", "use-intel-id", "on" }: pseries-5.1 and older.
NVME_INTEL_IDS = (0x8086, 0x5845)


def machine_version(args: list[str]) -> tuple[int, int]:
    """The pseries machine type's version: (7, 2) for "pseries" (QEMU 7.2's newest)."""
    m = args[args.index("-machine") + 1].split(",")[0] if "-machine" in args else "pseries"
    v = re.fullmatch(r"pseries-(\d+)\.(\d+)(?:-\w+)?", m)
    return (int(v.group(1)), int(v.group(2))) if v else (7, 2)


def expected_ids(driver: str | None, version: tuple[int, int]) -> tuple[int, int] | None:
    if driver == "nvme" and version <= (5, 1):
        return NVME_INTEL_IDS
    return DRIVER_IDS.get(driver)


def generate_case(case_seed: int, bridges: bool = False) -> list[str]:
    """A random pseries command line. bridges=True adds, from a stream of its own (so a seed's case is
    otherwise unchanged), a pci-bridge on a random PHB in about half the cases and moves some devices
    behind it: the oracle reads them, aperture refuses them today (UNMODELLED)."""
    rnd = random.Random(case_seed)
    machine = rnd.choice(MACHINES)
    args = ["-machine", machine + (",cap-htm=off" if machine in HTM_ON_MACHINES else "")]
    ram = rnd.choice(RAM)
    if rnd.random() < 0.2:
        args += ["-m", f"{ram},slots=4,maxmem={rnd.choice(['32G', '64G'])}"]
    else:
        args += ["-m", ram]
    args += ["-nodefaults"]
    buses = ["pci.0"]
    used = {0}
    for _ in range(rnd.choice([0, 0, 1, 1, 2])):
        index = rnd.choice([1, 2, 3, 5, 7, 15, 29, 30]) if rnd.random() < 0.95 else 31
        if index in used and rnd.random() < 0.8:
            continue
        used.add(index)
        args += ["-device", f"spapr-pci-host-bridge,index={index},id=phb{index}"]
        buses.append(f"phb{index}.0")
    slots: dict[str, set[int]] = {b: set() for b in buses}
    for k in range(rnd.randint(1, 6)):
        kind = rnd.choice(["virtio-net-pci", "virtio-net-pci", "virtio-blk-pci", "pci-testdev", "pci-testdev",
                           "pci-testdev", "e1000", "nvme"])
        props = [kind, f"id=dev{k}"]
        if kind == "virtio-blk-pci":
            args += ["-drive", f"if=none,id=drv{k},file=null-co://,format=raw"]
            props.append(f"drive=drv{k}")
        elif kind == "virtio-net-pci" and rnd.random() < 0.25:
            props.append("disable-modern=on")
        elif kind == "pci-testdev" and rnd.random() < 0.85:
            props.append(f"membar={rnd.choice(MEMBARS)}")
        elif kind == "nvme":
            props.append(f"serial=nv{k}")
        # Without bus= QEMU picks a bus itself (the newest PHB); aperture models that, so keep some.
        if rnd.random() < 0.75:
            bus = rnd.choice(buses)
            props.append(f"bus={bus}")
            if rnd.random() < 0.3:
                free = [s for s in range(1, 31) if s not in slots[bus]]
                slot = rnd.choice(free)
                slots[bus].add(slot)
                props.append(f"addr={slot:#x}")
        args += ["-device", ",".join(props)]
    if bridges:
        brnd = random.Random(case_seed ^ 0xB81D6E)
        if brnd.random() < 0.5:
            on = brnd.choice(buses)
            devs = [k for k, a in enumerate(args) if a == "-device" and not args[k + 1].startswith("spapr-pci")]
            moved = [k for k in devs if brnd.random() < 0.5]
            for k in moved:
                props = [p for p in args[k + 1].split(",") if not p.startswith(("bus=", "addr="))]
                args[k + 1] = ",".join(props + ["bus=br0"])
            args += ["-device", f"pci-bridge,id=br0,chassis_nr=1,bus={on}"]
            # -device order matters to QEMU (the bridge must exist first): move it before the devices.
            args = args[:-2][:min(devs) if devs else len(args) - 2] + args[-2:] + \
                args[:-2][min(devs) if devs else len(args) - 2:]
    return args


def case_seed(seed: int, i: int) -> int:
    return seed * 100000 + i


# ---------------------------------------------------------------------------------------------


def _observed_window(w: dict | None) -> dict | None:
    if w is None:
        return None
    return {"start": w["base_hex"], "end": w["last_hex"], "pci_address": w["pci_base_hex"]}


def _observed_bridge_window(w: dict | None) -> dict | None:
    return None if w is None else {"base": w["base_hex"], "limit": w["last_hex"]}


def _observed_function(f: dict) -> dict:
    out = dict(f, bars=[_observed_bar(b) for b in f.get("bars", [])])
    if f.get("bridge") is not None:
        out["bridge"] = dict(f["bridge"], **{k: _observed_bridge_window(f["bridge"].get(k)) for k in ("io", "mem", "pref")})
    return out


def _observed_bar(b: dict) -> dict:
    kind = b["kind"] + (" pref" if b["kind"] in ("mem32", "mem64") and b["prefetchable"] else "")
    return {"index": b["index"], "kind": kind, "size": b["size"], "programmed": b["programmed_hex"]}


def prediction_as_observed(pred: dict) -> dict:
    """An aperture-pseries-plan/2 prediction in the names the observations are recorded in (a window's
    start/end/pci_address, a BAR's kind with " pref", a bridge window's base/limit, hex strings); anything else
    unchanged."""
    if pred.get("schema") != "aperture-pseries-plan/2":
        return pred
    out = dict(pred)
    out["outcome"] = "refused" if pred["outcome"] == "refused" else "ok"
    out["phbs"] = []
    for p in pred.get("phbs", []):
        q = dict(p)
        for w in ("io", "mem32", "mem64"):
            q[w] = _observed_window(p.get(w))
        q["functions"] = [_observed_function(f) for f in p.get("functions", [])]
        out["phbs"].append(q)
    return out


def compare(pred: dict, obs: dict, version: tuple[int, int] = (7, 2)) -> list[str]:
    """Differences between aperture's aperture-pseries-plan/2 JSON and an observation; [] = agree.
    `version` is the case's machine type (the device IDs QEMU gives depend on it)."""
    pred = prediction_as_observed(pred)
    if obs.get("outcome") in ("timeout", "oracle-error"):
        return [f"oracle {obs['outcome']}: {(obs.get('error') or {}).get('message')}"]
    if pred.get("outcome") != obs.get("outcome"):
        pm = (pred.get("error") or {}).get("message")
        om = (obs.get("error") or {}).get("message")
        return [f"outcome: predicted {pred.get('outcome')} ({pm}), QEMU {obs.get('outcome')} ({om})"]
    if obs["outcome"] != "ok":
        return []
    diffs = []
    ppreds = {p["index"]: p for p in pred.get("phbs", [])}
    pobs = {p["index"]: p for p in obs.get("phbs", [])}
    if sorted(ppreds) != sorted(pobs):
        return [f"PHB indices: predicted {sorted(ppreds)}, QEMU {sorted(pobs)}"]
    for idx in sorted(pobs):
        p, o = ppreds[idx], pobs[idx]
        if p.get("buid") != o["buid"]:
            diffs.append(f"PHB {idx} BUID: predicted {p.get('buid')}, QEMU {o['buid']}")
        for w in ("io", "mem32", "mem64"):
            pw, ow = p.get(w), o.get(w)
            pw = None if pw is None else {k: pw[k] for k in ("start", "end", "pci_address")}
            if pw != ow:
                diffs.append(f"PHB {idx} {w} window: predicted {pw}, QEMU {ow}")
        pf = {f["slot"]: f for f in p.get("functions", [])}
        of = {f["slot"]: f for f in o.get("functions", [])}
        if sorted(pf) != sorted(of):
            diffs.append(f"PHB {idx} functions: predicted {sorted(pf)}, QEMU {sorted(of)}")
        for slot in sorted(set(pf) & set(of)):
            fp, fo = pf[slot], of[slot]
            ids = expected_ids(fp.get("driver"), version)
            if ids and (int(fo["vendor_id"], 16), int(fo["device_id"], 16)) != ids:
                diffs.append(f"PHB {idx} {slot}: predicted {fp.get('driver')}, QEMU has "
                             f"{fo['vendor_id']}:{fo['device_id']}")
            bp = {b["index"]: b for b in fp.get("bars", [])}
            bo = {b["index"]: b for b in fo.get("bars", [])}
            if sorted(bp) != sorted(bo):
                diffs.append(f"PHB {idx} {slot} BARs: predicted {sorted(bp)}, QEMU {sorted(bo)}")
            for bi in sorted(set(bp) & set(bo)):
                for key in ("kind", "size", "programmed"):
                    if bp[bi].get(key) != bo[bi].get(key):
                        diffs.append(f"PHB {idx} {slot} BAR{bi} {key}: predicted {bp[bi].get(key)}, "
                                     f"QEMU {bo[bi].get(key)}")
            if fo.get("bridge") is not None or fp.get("bridge") is not None:
                rp, ro = fp.get("bridge") or {}, fo.get("bridge") or {}
                for key in ("secondary", "subordinate", "io", "mem", "pref"):
                    if rp.get(key) != ro.get(key):
                        diffs.append(f"PHB {idx} {slot} bridge {key}: predicted {rp.get(key)}, QEMU {ro.get(key)}")
    return diffs


def run_aperture(aperture: str, args: list[str]) -> tuple[dict | None, str]:
    cmd = [aperture, "plan", "--format", "json", "--arch", "ppc64", "--"] + args
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=APERTURE_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"aperture did not run: {e}"
    try:
        return json.loads(r.stdout), ""
    except json.JSONDecodeError:
        return None, f"aperture exit {r.returncode}, no JSON: {r.stderr.strip()[:300]}"


def judge(aperture: str | None, args: list[str], obs: dict) -> tuple[str, list[str], dict | None]:
    """('PASS' | 'FAIL' | 'UNMODELLED' | 'OBSERVED', differences, prediction)."""
    if aperture is None:
        ok = obs.get("outcome") in ("ok", "refused")
        return ("OBSERVED" if ok else "FAIL"), ([] if ok else [f"oracle {obs.get('outcome')}: {obs.get('error')}"]), None
    pred, err = run_aperture(aperture, args)
    if pred is None:
        return "FAIL", [err], None
    if pred.get("schema") == "aperture-error/1":
        msg = pred["error"]["message"]
        if pred["error"].get("code") == "qemu-refuses":
            # aperture's command-line reader predicts QEMU's refusal before any model runs (duplicate IDs, ...).
            pred = {"outcome": "refused", "error": {"source": "qemu", "message": msg}}
        elif "not modelled" in msg:
            return "UNMODELLED", [msg + f" (QEMU: {obs.get('outcome')})"], pred
        else:
            return "FAIL", [f"aperture error: {msg}"], pred
    diffs = compare(pred, obs, machine_version(args))
    return ("FAIL" if diffs else "PASS"), diffs, pred


def compact(obs: dict) -> dict:
    o = dict(obs)
    o["oracle"] = {k: v for k, v in obs.get("oracle", {}).items() if k not in ("command", "console_tail")}
    return o


def open_out(path: str):
    if path.endswith(".gz"):
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=9)
    return open(path, "w", encoding="utf-8")


def read_records(path: str) -> list[dict]:
    opener = gzip.open if path.endswith(".gz") else open
    out = []
    with opener(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{n}: not JSON ({e})")
            if not isinstance(rec, dict) or "args" not in rec or "observation" not in rec:
                raise SystemExit(f"{path}:{n}: expected a record with 'args' and 'observation'")
            out.append(rec)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--aperture", help="the aperture binary")
    ap.add_argument("--oracle-only", action="store_true", help="boot and record without aperture")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=MAX_JOBS)
    ap.add_argument("--timeout", type=float, default=pseries_oracle.DEFAULT_TIMEOUT)
    ap.add_argument("--qemu", default=pseries_oracle.QEMU_BIN)
    ap.add_argument("--out", help="write one JSON record per case (.gz: gzipped)")
    ap.add_argument("--replay", help="compare with a recording instead of booting")
    ap.add_argument("--case-args", help="one command line instead of generated cases")
    ap.add_argument("--bridges", action="store_true",
                    help="add a pci-bridge to about half the cases (a stream of its own: the other cases are unchanged)")
    ap.add_argument("--print-cases", action="store_true", help="print the generated command lines and exit")
    ap.add_argument("--quiet", action="store_true", help="print only failing cases and the summary")
    ap.add_argument("--known", help="JSON file {\"case N\": reason}: cases of a --replay expected to disagree "
                    "(KNOWN instead of FAIL; one that agrees again is a FAIL, so the list is kept exact)")
    a = ap.parse_args(argv)
    if a.jobs < 1 or a.jobs > MAX_JOBS:
        ap.error(f"--jobs must be 1..{MAX_JOBS} (each boot keeps a core busy)")
    if a.count < 0:
        ap.error("--count must be >= 0")
    if not a.oracle_only and not a.print_cases and not a.aperture:
        ap.error("expected --aperture PATH (or --oracle-only / --print-cases)")
    if a.oracle_only and a.replay:
        ap.error("--oracle-only and --replay exclude each other")

    if a.case_args:
        cases = [(None, None, shlex.split(a.case_args))]
    else:
        cases = [(i, case_seed(a.seed, i), generate_case(case_seed(a.seed, i), a.bridges))
                 for i in range(a.start, a.start + a.count)]
    if a.print_cases:
        for i, _, args in cases:
            print(f"case {i}: {shlex.join(args)}")
        return 0

    records = read_records(a.replay) if a.replay else None
    known = {}
    if a.known:
        if not a.replay:
            ap.error("--known applies to --replay only")
        try:
            with open(a.known, encoding="utf-8") as f:
                known = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            ap.error(f"--known {a.known}: {e}")
        if not isinstance(known, dict) or not all(isinstance(v, str) for v in known.values()):
            ap.error(f"--known {a.known}: expected an object {{\"case N\": \"reason\"}}")
        cases_in = {f"case {r.get('case')}" for r in records}
        stray = sorted(set(known) - cases_in)
        if stray:
            ap.error(f"--known {a.known}: {', '.join(stray)} not in {a.replay}")
    if records is not None:
        cases = [(r.get("case"), r.get("case_seed"), r["args"]) for r in records]

    for sig in (pseries_oracle.signal.SIGTERM, pseries_oracle.signal.SIGINT):
        pseries_oracle.signal.signal(sig, lambda *_: (pseries_oracle.kill_all(), os._exit(130)))

    def one(k):
        i, cs, args = cases[k]
        obs = records[k]["observation"] if records is not None else \
            pseries_oracle.observe(args, a.qemu, a.timeout)
        verdict, diffs, pred = judge(None if a.oracle_only else a.aperture, args, obs)
        reason = known.get(f"case {i}")
        if reason is not None:
            if verdict == "FAIL":
                verdict, diffs = "KNOWN", [reason]
            else:
                verdict, diffs = "FAIL", [f"listed in --known ({reason}) but now {verdict}: update the list"]
        return k, verdict, diffs, obs

    out = open_out(a.out) if a.out else None
    lock = threading.Lock()
    counts = {"PASS": 0, "FAIL": 0, "UNMODELLED": 0, "OBSERVED": 0, "KNOWN": 0}
    results = {}
    try:
        with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            for fut in cf.as_completed([ex.submit(one, k) for k in range(len(cases))]):
                k, verdict, diffs, obs = fut.result()
                results[k] = (verdict, diffs, obs)
                with lock:
                    counts[verdict] += 1
                    i, cs, args = cases[k]
                    if verdict != "PASS" or not a.quiet:
                        extra = f": {'; '.join(diffs)}" if diffs else ""
                        if verdict == "OBSERVED":
                            extra = f": {obs['outcome']}, {sum(len(p['functions']) for p in obs['phbs'])} " \
                                    f"functions, {obs.get('oracle', {}).get('seconds')} s"
                        print(f"case {i} {verdict}{extra}", flush=True)
                        if verdict in ("FAIL", "UNMODELLED"):
                            print(f"  args: {shlex.join(args)}", flush=True)
        if out:
            for k in sorted(results):
                verdict, diffs, obs = results[k]
                i, cs, args = cases[k]
                rec = {"case": i, "case_seed": cs, "args": args, "observation": compact(obs)}
                if not a.oracle_only:
                    rec["verdict"] = verdict
                    rec["differences"] = diffs
                out.write(json.dumps(rec, sort_keys=True) + "\n")
    finally:
        if out:
            out.close()
        pseries_oracle.kill_all()
    if a.oracle_only:
        print(f"{counts['OBSERVED']} observed, {counts['FAIL']} failed")
    else:
        print(f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['UNMODELLED']} unmodelled"
              + (f", {counts['KNOWN']} known disagreements" if known else ""))
    return 0 if counts["FAIL"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
