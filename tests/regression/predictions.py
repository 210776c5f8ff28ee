#!/usr/bin/env python3
"""Every prediction of one aperture build, recorded, so that a refactoring can prove it changed none.

    predictions.py record --aperture build/aperture --out before.jsonl
    predictions.py compare --aperture build/aperture --against before.jsonl
    predictions.py compare --ignore-stack ...   (against a recording made before the reports named their stack)

Each record is one aperture invocation (generated QEMU command lines under SeaBIOS and OVMF, planned,
checked against the fixture hosts and drawn; every libvirt and xl.cfg fixture planned, checked and its
memlock limit read) with its exit status, stdout and stderr. `compare` reruns every recorded invocation and
reports each one whose output is not byte for byte the same. Standard library only.
"""
import argparse
import concurrent.futures
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "oracle"))
import gen_cases  # noqa: E402

HOSTS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests/fixtures/host/snapshots").glob("*.json"))


def invocations(seabios: int, ovmf: int) -> list[list[str]]:
    out: list[list[str]] = []
    for firmware, count, seed in (("seabios", seabios, 5150), ("ovmf", ovmf, 5151)):
        fw = ["--firmware", "ovmf"] if firmware == "ovmf" else []
        for i in range(count):
            args = gen_cases.generate(seed * 100000 + i, firmware)
            out.append(["plan", "--format", "json", *fw, "--", *args])
            out.append(["plan", *fw, "--", *args])
            host = HOSTS[i % len(HOSTS)]
            out.append(["check", "--host", host, *fw, "--", *args])
            if i % 10 == 0:
                out.append(["check", "--format", "json", "--host", host, *fw, "--", *args])
                out.append(["plan", "--format", "svg", *fw, "--", *args])
    for xml in sorted((ROOT / "tests/fixtures").glob("libvirt-*/*.xml")) + sorted(
            (ROOT / "tests/golden/cases").glob("*.xml")):
        rel = str(xml.relative_to(ROOT))
        out.append(["plan", "--xml", rel])
        out.append(["plan", "--format", "json", "--xml", rel])
        out.append(["check", "--xml", rel, "--host", HOSTS[0]])
        out.append(["memlock", "--xml", rel])
        out.append(["fix", "--xml", rel, "--host", HOSTS[-1]])
    for cfg in sorted((ROOT / "tests/golden/xen").glob("*.cfg")) + sorted((ROOT / "examples/xen").glob("*.cfg")):
        rel = str(cfg.relative_to(ROOT))
        out.append(["plan", "--xl", rel])
        out.append(["plan", "--format", "json", "--xl", rel])
        out.append(["check", "--xl", rel, "--host", HOSTS[0]])
    out.append(["plan", "@examples/q35-gpu-passthrough.args"])
    out.append(["check", "--host", HOSTS[1], "@examples/q35-gpu-passthrough.args"])
    out.append(["devices"])
    return out


# --ignore-stack: what naming the stack added to every report, taken out so that the rest must be the same.
STACK_BLOCK_LINE = re.compile(r"^(Stack     |          )")
SVG_CAPTION = re.compile(r"^<text [^>]*class=\"caption\"[^>]*>.*</text>\n", re.M)
SVG_NUMBER = re.compile(r'="-?[0-9.]+"|(?<= )(?:viewBox|d)="[^"]*"')


def without_stack(text: str) -> str:
    """The output as it was before reports named their stack: no Stack block after the report's first
    line, no `stack` object in JSON, no caption under the map's title (whose lines move everything below
    it, so the map's coordinates are not compared), no `aperture fix: stack` lines."""
    if text.startswith("{"):
        document = json.loads(text)
        document.pop("stack", None)
        return json.dumps(document, indent=2) + "\n"
    if text.startswith("<?xml"):
        text = SVG_CAPTION.sub("", text).replace(", .aperture-map .caption {", " {")
        return SVG_NUMBER.sub('="#"', text)
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith(("aperture plan: ", "aperture check: ")):
        end = 1
        if end < len(lines) and lines[end].startswith("Stack     "):
            while end < len(lines) and STACK_BLOCK_LINE.match(lines[end]):
                end += 1
        lines = lines[:1] + lines[end:]
    return "".join(line for line in lines if not line.startswith("aperture fix: stack "))


def run(aperture: str, argv: list[str]) -> dict:
    p = subprocess.run([aperture, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return {"argv": argv, "exit": p.returncode, "stdout": p.stdout, "stderr": p.stderr}


def run_all(aperture: str, calls: list[list[str]], jobs: int) -> list[dict]:
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(lambda argv: run(aperture, argv), calls))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("record", "compare"))
    ap.add_argument("--aperture", required=True)
    ap.add_argument("--out", help="record: where to write the records (JSON lines)")
    ap.add_argument("--against", help="compare: the recorded file")
    ap.add_argument("--seabios", type=int, default=600, help="generated SeaBIOS command lines")
    ap.add_argument("--ovmf", type=int, default=300, help="generated OVMF command lines")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ignore-stack", action="store_true",
                    help="compare: leave out what naming the stack added (the Stack block, JSON `stack`, the map's caption)")
    ns = ap.parse_args()
    aperture = str(pathlib.Path(ns.aperture).resolve())
    if ns.mode == "record":
        if not ns.out:
            ap.error("record needs --out")
        records = run_all(aperture, invocations(ns.seabios, ns.ovmf), ns.jobs)
        with open(ns.out, "w") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
        print(f"{len(records)} invocations recorded in {ns.out}")
        return 0
    if not ns.against:
        ap.error("compare needs --against")
    before = [json.loads(line) for line in open(ns.against)]
    after = run_all(aperture, [r["argv"] for r in before], ns.jobs)
    differing = 0
    for old, new in zip(before, after):
        if ns.ignore_stack:
            old = {**old, "stdout": without_stack(old["stdout"]), "stderr": without_stack(old["stderr"])}
            new = {**new, "stdout": without_stack(new["stdout"]), "stderr": without_stack(new["stderr"])}
        changed = [k for k in ("exit", "stdout", "stderr") if old[k] != new[k]]
        if changed:
            differing += 1
            if differing <= 20:
                print(f"DIFFERS in {', '.join(changed)}: aperture {' '.join(old['argv'])}"[:400])
    print(f"{len(before) - differing} passed, {differing} failed")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
