#!/usr/bin/env python3
"""Compare an aperture prediction (aperture-plan/2 JSON) with what the QEMU oracle observed.

    compare(expected_plan_json, observed_json) -> list of human-readable differences

Both arguments may be dicts or JSON strings. An empty list means "the prediction matches".

What is compared (see README.md):
  * outcome; for "refused" only outcome and the error message (exact string), nothing else;
  * error message (exact) for "firmware-failed";
  * the e820 table, entry by entry, when the oracle observed one (SeaBIOS; OVMF gives null);
  * the set of BDFs; per function vendor_id/device_id/class, id, every BAR by index (kind, bits,
    prefetchable, size and address) and bridge bus numbers and windows (base/limit).
  * ROM BARs (kind "rom"): only the size, since the firmware leaves ROMs disabled and QEMU shows
    them unmapped. For other BARs the prediction's address is compared with what QEMU shows: a BAR
    predicted with "decoding": false is expected to appear unmapped (null).
  * "firmware-failed": SeaBIOS panics before it programs any BAR or window, so addresses and
    bridge windows are not compared (topology, ids, BAR sizes and bus numbers are).

The oracle's observations keep the shape they were recorded in (aperture-plan/1's names: "bdf", BARs as
kind "mem" with "bits", "start"/"end", hex strings); plan_as_observed() reads an aperture-plan/2 prediction
into that shape, so recordings made before the rename still replay.

CLI: python3 compare.py EXPECTED.json OBSERVED.json   (exit status 1 when they differ)
"""

from __future__ import annotations

import json
import sys

HARNESS_OUTCOMES = ("timeout", "oracle-error")


def _load(x):
    if isinstance(x, (str, bytes)):
        return json.loads(x)
    return x


U64 = (1 << 64) - 1


def _int(v):
    """Address/size/id as int: accepts ints, "0x.." strings, decimal strings, None."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v & U64 if v < 0 else v
    if isinstance(v, str):
        s = v.strip().lower()
        try:
            if s.startswith("0x-"):   # QMP prints a 64-bit window register as a signed int64
                return -int(s[3:], 16) & U64
            return int(s, 16) if s.startswith("0x") else int(s, 10)
        except ValueError:
            return v
    return v


def _hex(v):
    v = _int(v)
    if v is None:
        return "unmapped"
    if isinstance(v, int):
        return "0x%x" % v
    return repr(v)


def _fmt(v):
    if v is None:
        return "none"
    if isinstance(v, str):
        return repr(v)
    return str(v)


def _msg(o):
    err = o.get("error") or {}
    return err.get("message") if isinstance(err, dict) else None


def _bdf_key(bdf):
    try:
        bus, rest = bdf.split(":")
        dev, fn = rest.split(".")
        return (int(bus, 16), int(dev, 16), int(fn, 16))
    except (ValueError, AttributeError):
        return (999, 0, 0, str(bdf))


def _bar_desc(b):
    if b is None:
        return "none"
    kind = b.get("kind")
    parts = [str(kind)]
    if kind in ("mem", "rom"):
        parts.append("%s-bit" % b.get("bits"))
        if b.get("prefetchable"):
            parts.append("pref")
    parts.append("size %s" % _hex(b.get("size")))
    if kind != "rom":
        parts.append("at %s" % _hex(_shown_address(b)))
    return " ".join(parts)


def _shown_address(bar):
    """The address QEMU's query-pci would show for this BAR: null unless it decodes."""
    if bar.get("decoding") is False:
        return None
    return _int(bar.get("address"))


def compare_e820(exp_e820, obs_e820) -> list:
    diffs = []
    if obs_e820 is None:
        return diffs
    if exp_e820 is None:
        return ["e820: predicted none, QEMU %d entries" % len(obs_e820)]

    def norm(e):
        return (_int(e.get("start")), _int(e.get("size")), e.get("type"))

    exp = [norm(e) for e in exp_e820]
    obs = [norm(e) for e in obs_e820]
    if exp == obs:
        return diffs
    if len(exp) != len(obs):
        diffs.append("e820: predicted %d entries, QEMU %d" % (len(exp), len(obs)))

    def show(e):
        if e is None:
            return "none"
        s, z, t = e
        if isinstance(s, int) and isinstance(z, int):
            return "%s-%s (size %s) %s" % (_hex(s), _hex(s + z), _hex(z), t)
        return "%r size %r %s" % (s, z, t)

    for i in range(max(len(exp), len(obs))):
        a = exp[i] if i < len(exp) else None
        b = obs[i] if i < len(obs) else None
        if a != b:
            diffs.append("e820[%d]: predicted %s, QEMU %s" % (i, show(a), show(b)))
    return diffs


def _by_bdf(functions: list) -> dict:
    """Functions keyed by BDF. Two functions can share one (SeaBIOS gives a port a secondary bus number a
    switch already uses, and QEMU lists both buses): those are told apart by their id, else their IDs."""
    counts = {}
    for f in functions:
        counts[f.get("bdf")] = counts.get(f.get("bdf"), 0) + 1
    out = {}
    for f in functions:
        bdf = f.get("bdf")
        if counts[bdf] > 1:
            bdf = "%s (%s)" % (bdf, f.get("id") or "%s:%s" % (f.get("vendor_id"), f.get("device_id")))
        out[bdf] = f
    return out


def compare_bars(bdf, exp_bars, obs_bars, addresses=True) -> list:
    diffs = []
    eb = {b.get("index"): b for b in exp_bars or []}
    ob = {b.get("index"): b for b in obs_bars or []}
    for idx in sorted(set(eb) | set(ob), key=lambda x: (x is None, x)):
        e, o = eb.get(idx), ob.get(idx)
        tag = "%s BAR%s" % (bdf, idx)
        if e is None or o is None:
            diffs.append("%s: predicted %s, QEMU %s" % (tag, _bar_desc(e), _bar_desc(o)))
            continue
        if e.get("kind") != o.get("kind"):
            diffs.append("%s kind: predicted %s, QEMU %s (QEMU: %s)"
                         % (tag, _fmt(e.get("kind")), _fmt(o.get("kind")), _bar_desc(o)))
            continue
        kind = o.get("kind")
        if kind in ("mem", "rom"):
            if _int(e.get("bits")) != _int(o.get("bits")):
                diffs.append("%s bits: predicted %s, QEMU %s" % (tag, e.get("bits"), o.get("bits")))
            if bool(e.get("prefetchable")) != bool(o.get("prefetchable")):
                diffs.append("%s prefetchable: predicted %s, QEMU %s"
                             % (tag, bool(e.get("prefetchable")), bool(o.get("prefetchable"))))
        if _int(e.get("size")) != _int(o.get("size")):
            diffs.append("%s size: predicted %s, QEMU %s"
                         % (tag, _hex(e.get("size")), _hex(o.get("size"))))
        if addresses and kind != "rom":
            ea, oa = _shown_address(e), _shown_address(o)
            if ea != oa:
                diffs.append("%s address: predicted %s, QEMU %s" % (tag, _hex(ea), _hex(oa)))
    return diffs


def compare_bridge(bdf, e, o, windows=True) -> list:
    if e is None and o is None:
        return []
    if e is None or o is None:
        return ["%s bridge: predicted %s, QEMU %s" % (bdf, "a bridge" if e else "none",
                                                      "a bridge" if o else "none")]
    diffs = []
    for k in ("secondary_bus", "subordinate_bus"):
        if _int(e.get(k)) != _int(o.get(k)):
            diffs.append("%s %s: predicted %s, QEMU %s" % (bdf, k, _fmt(e.get(k)), _fmt(o.get(k))))
    if not windows:
        return diffs
    for w in ("io", "memory", "prefetchable"):
        ew, ow = e.get(w), o.get(w)
        if ew is None and ow is None:
            continue
        if ew is None or ow is None:
            diffs.append("%s %s window: predicted %s, QEMU %s"
                         % (bdf, w, _win(ew), _win(ow)))
            continue
        for k in ("base", "limit"):
            if _int(ew.get(k)) != _int(ow.get(k)):
                diffs.append("%s %s window %s: predicted %s, QEMU %s"
                             % (bdf, w, k, _hex(ew.get(k)), _hex(ow.get(k))))
    return diffs


def _win(w):
    if w is None:
        return "none"
    return "%s-%s" % (_hex(w.get("base")), _hex(w.get("limit")))


# aperture-plan/2's outcomes that mean "the firmware finished": what the oracle observes as "ok".
_FIRMWARE_FINISHED = ("works", "bars-unassigned", "bars-unreachable")


def _observed_bar(bar: dict) -> dict:
    kind = bar["kind"]
    out = {"index": bar["index"], "kind": "io" if kind == "io" else ("rom" if kind == "rom" else "mem")}
    if kind != "io":
        out["bits"] = 64 if kind == "mem64" else 32
        out["prefetchable"] = bar["prefetchable"]
    out.update(size=bar["size"], address=bar["base_hex"], decoding=bar["decoding"])
    return out


def _observed_window(window: dict) -> dict:
    return {"base": window["base_hex"], "limit": window["last_hex"]}


def _observed_e820(entries):
    if entries is None:
        return None
    return [{"start": e["base_hex"], "size": e["size"], "type": e["type"]} for e in entries]


def plan_as_observed(plan: dict) -> dict:
    """An aperture-plan/2 document in the names the oracle's observations use; anything else unchanged."""
    if not isinstance(plan, dict) or plan.get("schema") != "aperture-plan/2":
        return plan
    out = dict(plan)
    out["outcome"] = "ok" if plan["outcome"] in _FIRMWARE_FINISHED else plan["outcome"]
    out["e820"] = _observed_e820(plan.get("e820"))
    if "e820_alternatives" in plan:
        out["e820_alternatives"] = [_observed_e820(t) for t in plan["e820_alternatives"]]
    functions = []
    for f in plan.get("functions") or []:
        g = dict(f)
        g["bdf"] = g.pop("pci_address")[5:]
        g["bars"] = [_observed_bar(b) for b in f["bars"]]
        if f.get("bridge"):
            b = dict(f["bridge"])
            for w in ("io", "memory", "prefetchable"):
                b[w] = _observed_window(b[w])
            g["bridge"] = b
        functions.append(g)
    out["functions"] = functions
    return out


def compare(expected_plan_json, observed_json) -> list:
    exp = plan_as_observed(_load(expected_plan_json))
    obs = _load(observed_json)
    diffs = []

    eo, oo = exp.get("outcome"), obs.get("outcome")
    if oo in HARNESS_OUTCOMES:
        return ["oracle %s: %s" % (oo, _msg(obs))]
    if eo != oo:
        d = "outcome: predicted %s, QEMU %s" % (eo, oo)
        if _msg(exp):
            d += "; predicted error %s" % _fmt(_msg(exp))
        if _msg(obs):
            d += "; QEMU error %s" % _fmt(_msg(obs))
        return [d]
    ovmf = str((exp.get("model") or {}).get("firmware", "")).startswith("ovmf")
    if oo in ("refused", "firmware-failed"):
        em, om = _msg(exp), _msg(obs)
        # OVMF prints nothing when it gives up, so there is no text to compare; its state is compared below.
        if em != om and not (ovmf and oo == "firmware-failed"):
            diffs.append("error message: predicted %s, QEMU %s" % (_fmt(em), _fmt(om)))
        es = (exp.get("error") or {}).get("source")
        os_ = (obs.get("error") or {}).get("source")
        if es != os_:
            diffs.append("error source: predicted %s, QEMU %s" % (_fmt(es), _fmt(os_)))
        if oo == "refused":
            return diffs

    # SeaBIOS stops before programming anything, leaving registers the model does not track; OVMF's
    # failed state (bus numbers set, windows closed, nothing decoding) is predicted and compared.
    failed = oo == "firmware-failed" and not ovmf
    # Where SeaBIOS's boot races, aperture predicts each possible table: the observation must be one of them.
    e820_diffs = compare_e820(exp.get("e820"), obs.get("e820"))
    if e820_diffs and any(not compare_e820(alt, obs.get("e820")) for alt in exp.get("e820_alternatives") or []):
        e820_diffs = []
    diffs += e820_diffs

    # A function aperture marks unreachable (the programmed bus numbers leave no path to it) is one
    # QMP query-pci cannot list either; it must then be absent from the observation.
    ef = _by_bdf([f for f in exp.get("functions") or [] if f.get("reachable", True)])
    of = _by_bdf(obs.get("functions") or [])
    missing = sorted(set(of) - set(ef), key=_bdf_key)
    extra = sorted(set(ef) - set(of), key=_bdf_key)
    for bdf in missing:
        o = of[bdf]
        diffs.append("%s: not predicted (QEMU has %s:%s class %s id %s)"
                     % (bdf, o.get("vendor_id"), o.get("device_id"), o.get("class"),
                        _fmt(o.get("id"))))
    for bdf in extra:
        e = ef[bdf]
        diffs.append("%s: predicted (%s %s:%s id %s) but QEMU has no such function"
                     % (bdf, e.get("driver", "?"), e.get("vendor_id"), e.get("device_id"),
                        _fmt(e.get("id"))))
    for bdf in sorted(set(ef) & set(of), key=_bdf_key):
        e, o = ef[bdf], of[bdf]
        for k in ("vendor_id", "device_id", "class"):
            if _int(e.get(k)) != _int(o.get(k)):
                diffs.append("%s %s: predicted %s, QEMU %s" % (bdf, k, e.get(k), o.get(k)))
        if (e.get("id") or None) != (o.get("id") or None):
            diffs.append("%s id: predicted %s, QEMU %s" % (bdf, _fmt(e.get("id")), _fmt(o.get("id"))))
        diffs += compare_bars(bdf, e.get("bars"), o.get("bars"), addresses=not failed)
        diffs += compare_bridge(bdf, e.get("bridge"), o.get("bridge"), windows=not failed)
    return diffs


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: compare.py EXPECTED.json OBSERVED.json", file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        exp = json.load(f)
    with open(argv[1]) as f:
        obs = json.load(f)
    diffs = compare(exp, obs)
    for d in diffs:
        print(d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
