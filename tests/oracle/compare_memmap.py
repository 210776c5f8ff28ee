"""Compare aperture's prediction of the OS memory map under OVMF with the one the oracle read.

The prediction is the plan JSON's "e820" list ({"start", "size", "type", "origin"}); under OVMF one type
is not an e820 type: "firmware-area", a span of low RAM holding the firmware's runtime code and data,
ACPI tables and NVS among usable pages, whose exact pages aperture does not predict. The observation is
qemu_oracle's "memmap" {"e820": [...]} (uefi_memmap.os_e820). Inside a firmware area anything goes (the
report counts how much of it the firmware really kept); outside, after cutting the observed entries at
the areas' edges, the two tables must agree entry by entry.

Python 3.11 standard library only.
"""

from __future__ import annotations

FIRMWARE_AREA = "firmware-area"


def _intervals(entries: list) -> list:
    # "base" (aperture-plan/2, an integer) or "start" (a hex string, as the guest's table is recorded)
    return [(e["base"] if "base" in e else int(e["start"], 16) if isinstance(e["start"], str) else e["start"], e["size"], e["type"])
            for e in entries]


def _outside(observed: list, areas: list) -> list:
    """The observed entries with every part inside an area removed, adjacent pieces of one type merged."""
    pieces = []
    for start, size, kind in observed:
        cuts = [(start, start + size)]
        for a_start, a_end in areas:
            nxt = []
            for lo, hi in cuts:
                if hi <= a_start or lo >= a_end:
                    nxt.append((lo, hi))
                    continue
                if lo < a_start:
                    nxt.append((lo, a_start))
                if hi > a_end:
                    nxt.append((a_end, hi))
            cuts = nxt
        pieces += [(lo, hi, kind) for lo, hi in cuts]
    merged: list = []
    for lo, hi, kind in sorted(pieces):
        if merged and merged[-1][2] == kind and merged[-1][1] == lo:
            merged[-1] = (merged[-1][0], hi, kind)
        else:
            merged.append((lo, hi, kind))
    return merged


def firmware_kept(observed: list, areas: list) -> int:
    """Bytes inside the areas that the firmware really kept (not usable RAM)."""
    kept = 0
    for start, size, kind in _intervals(observed):
        if kind == "ram":
            continue
        for a_start, a_end in areas:
            kept += max(0, min(start + size, a_end) - max(start, a_start))
    return kept


def compare_memmap(predicted_e820, observed_memmap) -> list:
    """Differences between the predicted OS memory map and the observed one; [] when they agree."""
    if observed_memmap is None:
        return []
    if "error" in observed_memmap:
        return ["memmap: not observed: %s" % observed_memmap["error"]]
    if predicted_e820 is None:
        return ["memmap: predicted none, the guest has %d e820 entries" % len(observed_memmap["e820"])]
    predicted = _intervals(predicted_e820)
    areas = [(s, s + n) for s, n, kind in predicted if kind == FIRMWARE_AREA]
    exp = _outside([(s, n, kind) for s, n, kind in predicted if kind != FIRMWARE_AREA], [])
    obs = _outside(_intervals(observed_memmap["e820"]), areas)
    diffs = []
    for a_start, a_end in areas:
        covered = sum(max(0, min(s + n, a_end) - max(s, a_start)) for s, n, _ in _intervals(observed_memmap["e820"]))
        if covered != a_end - a_start:
            diffs.append("memmap: firmware area %#x-%#x: the guest's map covers %#x of its %#x bytes"
                         % (a_start, a_end - 1, covered, a_end - a_start))
    show = lambda e: "%s %#x-%#x" % (e[2], e[0], e[1] - 1)  # noqa: E731
    exp_set, obs_set = set(exp), set(obs)
    for e in exp:
        if e not in obs_set:
            diffs.append("memmap: predicted %s, not in the guest's map" % show(e))
    for o in obs:
        if o not in exp_set:
            diffs.append("memmap: the guest has %s, not predicted" % show(o))
    return diffs
