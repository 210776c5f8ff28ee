#!/usr/bin/env python3
"""Golden tests: each case is one readable file holding the command and the expected report.

A case file (tests/golden/cases/NAME.golden) looks like:

    # what this case shows
    args: -machine q35 -m 2G ...      (or  xml: NAME.xml, a libvirt domain in the same folder;
                                       or  proxmox: NAME.cmd, `qm showcmd` output in the same folder)
    format: text            (or json)
    command: check          (optional: the subcommand, plan unless named)
    exit: 0
    ---
    <expected stdout, verbatim>

`run_golden.py --aperture BIN` runs every case and prints a unified diff for each mismatch;
`--update` rewrites the expected part from the current output (review the diff before committing:
the addresses in these cases are also checked against real QEMU by the oracle tests).
"""
import argparse
import difflib
import pathlib
import shlex
import subprocess
import sys

CASES = pathlib.Path(__file__).resolve().parent / "cases"
# "options:" may name test fixtures as @FIXTURES@/...: the tests/fixtures directory wherever the tree is.
FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"


def parse_case(path):
    header, _, expected = path.read_text().partition("\n---\n")
    fields = {}
    for line in header.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    # A Xen case names its xl.cfg (relative to tests/golden) instead of a QEMU command line.
    if "xl" in fields:
        fields.setdefault("args", "")
    for key in ("format", "exit") if "xml" in fields or "stdin" in fields or "proxmox" in fields else ("args", "format", "exit"):
        if key not in fields:
            raise SystemExit(f"{path}: header has no '{key}:' line")
    return fields, expected


def run_case(aperture, fields):
    if "xl" in fields:
        xl = str(CASES.parent / fields["xl"])
        cmd = [aperture, fields.get("command", "plan"), "--format", fields["format"], "--xl", xl] + [
            w.replace("@GOLDEN@", str(CASES.parent)) for w in shlex.split(fields.get("options", ""))]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=CASES.parent)
        return proc.returncode, (proc.stdout + (proc.stderr if fields.get("stderr") == "yes" else "")).replace(str(CASES.parent) + "/", "")
    options = shlex.split(fields.get("options", "").replace("@FIXTURES@", str(FIXTURES)))
    cmd = [aperture, fields.get("command", "plan"), "--format", fields["format"]] + options
    stdin = None
    if "stdin" in fields:
        # "stdin: FILE" pipes a libvirt domain beside the case into `--xml -`.
        stdin = (CASES / fields["stdin"]).read_text()
        cmd += ["--xml", "-"]
    elif "xml" in fields:
        # A libvirt domain beside the case, read from the cases folder so messages name it "NAME.xml:LINE".
        cmd += ["--xml", fields["xml"]]
    elif "proxmox" in fields:
        # `qm showcmd` output beside the case, named "NAME.cmd:LINE" the same way.
        cmd += ["--proxmox-cmd", fields["proxmox"]]
    else:
        cmd += ["--"] + shlex.split(fields["args"])
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=CASES, input=stdin)
    return proc.returncode, proc.stdout + (proc.stderr if fields.get("stderr") == "yes" else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--aperture", required=True)
    parser.add_argument("--update", action="store_true")
    parser.add_argument("names", nargs="*")
    opts = parser.parse_args()
    if "/" in opts.aperture:
        opts.aperture = str(pathlib.Path(opts.aperture).resolve())  # cases run from the cases folder
    paths = sorted(CASES.glob("*.golden"))
    if opts.names:
        paths = [p for p in paths if p.stem in opts.names]
    passed = failed = 0
    for path in paths:
        fields, expected = parse_case(path)
        code, output = run_case(opts.aperture, fields)
        if opts.update:
            header = path.read_text().partition("\n---\n")[0]
            header = "\n".join(l if not l.startswith("exit:") else f"exit: {code}" for l in header.splitlines())
            path.write_text(header + "\n---\n" + output)
            print(f"updated {path.name}")
            continue
        problems = []
        if code != int(fields["exit"]):
            problems.append(f"exit status {code}, expected {fields['exit']}")
        if output != expected:
            diff = difflib.unified_diff(expected.splitlines(True), output.splitlines(True), "expected", "actual")
            problems.append("".join(diff))
        if problems:
            failed += 1
            print(f"FAIL {path.name}")
            for p in problems:
                print(p)
        else:
            passed += 1
            print(f"PASS {path.name}")
    if not opts.update:
        print(f"{passed} passed, {failed} failed")
        sys.exit(1 if failed or not paths else 0)


if __name__ == "__main__":
    main()
