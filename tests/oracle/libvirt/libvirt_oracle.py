#!/usr/bin/env python3
"""Real libvirt as the oracle of aperture's libvirt XML reader.

For each random domain (gen_domains.py), libvirt's own QEMU command line (`virsh domxml-to-native
qemu-argv`, libvirt_native.py) is compared with aperture's reading of the XML:

  1. the plans: `aperture plan --format json --xml D.xml` against `aperture plan --format json -- ARGV`
     (libvirt's argv as it is: aperture reads all of it), every function's BDF, id, driver, IDs, BARs
     and bridge windows, the e820 table, the windows and the outcome;
  2. libvirt's placement directly: every `-device` of the argv with an `addr` must be, in the XML's
     plan, the function with that id and driver at bus(bus=) : addr, where bus(pcie.0/pci.0) = 0 and
     bus(pci.N) = the secondary bus of the bridge with id pci.N in the same plan.

A domain libvirt refuses must be refused by aperture (reading the XML as libvirt --libvirt-version
would, see below). A domain both refuse the same way is counted apart, with aperture's reason.

    libvirt_oracle.py --aperture build/aperture --record OUT.jsonl.gz --seed S --count N   # needs libvirt
    libvirt_oracle.py --aperture build/aperture --replay tests/oracle/libvirt/recorded/X.jsonl.gz
    libvirt_oracle.py --aperture build/aperture --live --seed S --count N [--out R.jsonl]  # needs libvirt

--record also compares. --replay needs no libvirt (seconds). The last line is the summary; the exit
status is 0 iff no domain disagreed (and, live, libvirt could run: 77 = not run, with the reason).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import gzip
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)
import gen_domains  # noqa: E402

NOT_RUN = 77  # CTest's SKIP_RETURN_CODE for the live test


# ---- aperture ---------------------------------------------------------------------------------------------

def aperture_plan(aperture: str, libvirt_version: str, xml: str | None = None, argv: list[str] | None = None) -> dict:
    """aperture's plan JSON, or {"refused": code, "message": ...}; {"crash": ...} if it gave no JSON."""
    common = [aperture, "plan", "--format", "json", "--host", os.path.join(SOURCE, gen_domains.HOST_SNAPSHOT)]
    with tempfile.TemporaryDirectory(prefix="aperture-lvo-") as tmp:
        if xml is not None:
            path = os.path.join(tmp, "domain.xml")
            with open(path, "w") as f:
                f.write(xml)
            cmd = common + ["--libvirt-version", libvirt_version, "--xml", path]
        else:
            cmd = common + ["--"] + argv
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    try:
        out = json.loads(run.stdout)
    except json.JSONDecodeError:
        return {"crash": f"exit {run.returncode}: {run.stderr.strip()[:500]}"}
    if out.get("schema", "").startswith("aperture-error"):
        return {"refused": out["error"].get("code", "?"), "message": out["error"].get("message", "")}
    return out


def comparable(plan: dict) -> dict:
    """The plan without what names its input (notes, where the machine type came from)."""
    plan = dict(plan)
    for key in ("notes", "stack"):
        plan.pop(key, None)
    return plan


def differences(xml_plan: dict, args_plan: dict) -> list[str]:
    a, b = comparable(xml_plan), comparable(args_plan)
    out = []
    for key in sorted(set(a) | set(b)):
        if key == "functions":
            continue
        if a.get(key) != b.get(key):
            out.append(f"{key}: XML {json.dumps(a.get(key))[:300]} / libvirt {json.dumps(b.get(key))[:300]}")
    fa = {f["pci_address"]: f for f in a.get("functions") or []}
    fb = {f["pci_address"]: f for f in b.get("functions") or []}
    for bdf in sorted(set(fa) | set(fb)):
        x, y = fa.get(bdf), fb.get(bdf)
        if x == y:
            continue
        if x is None or y is None:
            have = x or y
            out.append(f"{bdf}: only in the {'XML' if x else 'libvirt'} plan ({have.get('driver')} {have.get('id')})")
            continue
        for field in sorted(set(x) | set(y)):
            if x.get(field) != y.get(field):
                out.append(f"{bdf} {x.get('id') or x.get('driver')} {field}: XML {json.dumps(x.get(field))[:200]} / "
                           f"libvirt {json.dumps(y.get(field))[:200]}")
    return out


# ---- libvirt's -device placement --------------------------------------------------------------------------

def libvirt_devices(argv: list[str]) -> list[dict]:
    """Every -device of the argv as a dict (libvirt 9.0 writes JSON; the keyval form is read too)."""
    devices = []
    for option, value in zip(argv, argv[1:]):
        if option != "-device":
            continue
        if value.startswith("{"):
            devices.append(json.loads(value))
        else:
            driver, *rest = value.split(",")
            d = {"driver": driver}
            for item in rest:
                k, _, v = item.partition("=")
                d[k] = v
            devices.append(d)
    return devices


# QEMU's device aliases libvirt 9.0 writes (softmmu/qdev-monitor.c qdev_alias_table): QEMU creates the
# aliased type, which is what a plan names.
QEMU_DEVICE_ALIASES = {"ahci": "ich9-ahci", "lsi": "lsi53c895a", "ac97": "AC97", "es1370": "ES1370",
                       "e1000-82540em": "e1000"}


def placement_differences(argv: list[str], xml_plan: dict) -> tuple[int, list[str]]:
    """(devices checked, differences): libvirt's bus/addr of each device against the XML plan's BDF."""
    functions = xml_plan.get("functions") or []
    by_id = {f["id"]: f for f in functions if f.get("id")}
    out, checked = [], 0
    for d in libvirt_devices(argv):
        if "addr" not in d or "id" not in d:
            continue
        checked += 1
        bus_id = d.get("bus", "pci.0")
        if bus_id in ("pci.0", "pcie.0"):
            bus = 0
        elif bus_id in by_id and by_id[bus_id].get("bridge"):
            bus = by_id[bus_id]["bridge"]["secondary_bus"]
        else:
            out.append(f"{d['id']}: libvirt puts it on {bus_id}, which the XML plan has no bridge for")
            continue
        slot, _, function = str(d["addr"]).partition(".")
        expected = f"0000:{bus:02x}:{int(slot, 16):02x}.{int(function, 16) if function else 0:x}"
        mine = by_id.get(d["id"])
        if mine is None:
            out.append(f"{d['id']} ({d['driver']}): libvirt places it at {expected} ({bus_id} addr {d['addr']}), "
                       f"the XML plan has no function with that id")
        elif mine["pci_address"] != expected or mine["driver"] != QEMU_DEVICE_ALIASES.get(d["driver"], d["driver"]):
            out.append(f"{d['id']}: libvirt {d['driver']} at {expected} ({bus_id} addr {d['addr']}), "
                       f"XML plan {mine['driver']} at {mine['pci_address']}")
    return checked, out


# ---- one domain -------------------------------------------------------------------------------------------

def judge(record: dict, aperture: str) -> dict:
    """Adds `verdict` (and `why`) to a record with the domain and libvirt's answer."""
    version = record["libvirt"]
    xml_plan = aperture_plan(aperture, version, xml=record["xml"])
    if "crash" in xml_plan:
        return {**record, "verdict": "disagree", "why": ["aperture gave no JSON for the XML: " + xml_plan["crash"]]}
    if record["outcome"] == "refused":
        if "refused" in xml_plan:
            return {**record, "verdict": "refused-both", "why": [xml_plan["message"]]}
        return {**record, "verdict": "disagree", "why": ["libvirt refuses (" + record["error"] + ") but aperture plans it"]}
    args_plan = aperture_plan(aperture, version, argv=record["argv"])
    if "crash" in args_plan:
        return {**record, "verdict": "disagree", "why": ["aperture gave no JSON for libvirt's argv: " + args_plan["crash"]]}
    if "refused" in xml_plan or "refused" in args_plan:
        if "refused" in xml_plan and "refused" in args_plan and (xml_plan["refused"] == args_plan["refused"] or
                                                                 both_not_modelled(xml_plan, args_plan)):
            return {**record, "verdict": "aperture-refused", "why": [xml_plan["message"]]}
        return {**record, "verdict": "disagree",
                "why": [f"XML: {xml_plan.get('message', 'planned')} / libvirt's argv: {args_plan.get('message', 'planned')}"]}
    why = differences(xml_plan, args_plan)
    checked = 0
    if xml_plan.get("functions"):  # none when both predict that QEMU refuses to start (phys-bits too low)
        checked, placement = placement_differences(record["argv"], xml_plan)
        why += placement
    return {**record, "verdict": "agree" if not why else "disagree", "why": why, "devices_checked": checked}


def both_not_modelled(xml_plan: dict, args_plan: dict) -> bool:
    """Both refusals say a device is not modelled (the command-line path reports that as bad input)."""
    return xml_plan["refused"] == "not-modelled" and "is not modelled" in args_plan["message"]


def summarize(results: list[dict], out=sys.stdout) -> bool:
    counts = Counter(r["verdict"] for r in results)
    reasons = Counter()
    for r in results:
        if r["verdict"] in ("aperture-refused", "refused-both"):
            reasons[(r["verdict"], short_reason(r["why"][0]))] += 1
    for (verdict, reason), n in sorted(reasons.items()):
        print(f"  {verdict}: {n} x {reason}", file=out)
    devices = sum(r.get("devices_checked", 0) for r in results)
    print(f"{len(results)} domains: {counts['agree']} agreed ({devices} libvirt -device placements checked), "
          f"{counts['disagree']} disagreed, {counts['refused-both']} refused by libvirt (and aperture), "
          f"{counts['aperture-refused']} accepted by libvirt but refused by aperture", file=out)
    return counts["disagree"] == 0


def short_reason(message: str) -> str:
    """A refusal message without the file and line, so equal reasons count together."""
    text = message.split("): ", 1)[-1] if "): " in message else message
    if ".xml:" in text:
        text = text.split(": ", 1)[-1]
    return text[:160]


def print_result(r: dict) -> None:
    label = {"agree": "PASS", "disagree": "FAIL"}.get(r["verdict"], r["verdict"])
    print(f"domain {r['seed']} {label}" + (": " + "; ".join(r["why"][:6]) if r["verdict"] == "disagree" else ""))


# ---- modes ------------------------------------------------------------------------------------------------

def read_records(path: str) -> list[dict]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_records(path: str, records: list[dict], keys: tuple[str, ...] | None = None) -> None:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wt") as f:
        for r in records:
            f.write(json.dumps({k: r[k] for k in (keys or r.keys()) if k in r}, separators=(",", ":")) + "\n")


RECORD_KEYS = ("seed", "libvirt", "features", "xml", "outcome", "argv", "error")


def convert(seed: int, count: int) -> list[dict]:
    """Generates the domains and asks libvirt (raises LibvirtUnavailable)."""
    from libvirt_native import LibvirtNative
    records = []
    with LibvirtNative() as native:
        version = native.version
        if not native.interfaces:
            print(f"libvirt cannot convert <interface>s here ({native.interfaces_reason}): "
                  f"domains with one are skipped", file=sys.stderr)
        for i in range(count):
            case = gen_domains.generate_case(seed * 100000 + i)
            if not native.interfaces and "<interface" in case["xml"]:
                continue
            answer = native.to_native(case["xml"])
            records.append({**case, "libvirt": version, **answer})
    return records


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aperture", required=True)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--record", metavar="OUT", help="generate, convert with libvirt, write the records, compare")
    mode.add_argument("--replay", metavar="FILE", help="compare recorded domains (no libvirt needed)")
    mode.add_argument("--live", action="store_true", help="generate, convert with libvirt, compare")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("LIBVIRT_ORACLE_SEED", "1")),
                    help="domain i is gen_domains.generate_case(seed * 100000 + i) (default: $LIBVIRT_ORACLE_SEED or 1)")
    ap.add_argument("--count", type=int, default=int(os.environ.get("LIBVIRT_ORACLE_COUNT", "10")),
                    help="domains to generate (default: $LIBVIRT_ORACLE_COUNT or 10)")
    ap.add_argument("--jobs", type=int, default=2, help="aperture runs at a time (default 2)")
    ap.add_argument("--replay-limit", type=int, default=0, help="replay only N records spread evenly over the recording (0: all)")
    ap.add_argument("--out", help="write every result (with the verdict and why) here")
    ap.add_argument("--quiet", action="store_true", help="print only failures and the summary")
    args = ap.parse_args()

    if args.replay:
        records = read_records(args.replay)
        if args.replay_limit:
            step = len(records) / args.replay_limit
            records = [records[int(i * step)] for i in range(min(args.replay_limit, len(records)))]
    else:
        from libvirt_native import LibvirtUnavailable
        try:
            records = convert(args.seed, args.count)
        except LibvirtUnavailable as e:
            print(f"not run: libvirt cannot convert domains here: {e}")
            return NOT_RUN
        if args.record:
            write_records(args.record, records, RECORD_KEYS)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(args.jobs, 2))) as pool:
        results = list(pool.map(lambda record: judge(record, args.aperture), records))
    for result in results:
        if not args.quiet or result["verdict"] == "disagree":
            print_result(result)
    if args.out:
        write_records(args.out, results)
    return 0 if summarize(results) else 1


if __name__ == "__main__":
    sys.exit(main())
