#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target (tests/fuzz/corpus/<target>/) from what the project already
holds: golden cases, examples, fixtures and a sample of the oracle's recorded command lines. Run it again
after adding fixtures; the output is deterministic (files are named by their content's SHA-1, as libFuzzer
names corpus files)."""

import gzip
import hashlib
import json
import os
import pathlib
import shlex

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests/fuzz/corpus"
ORACLE_SAMPLE = 15  # command lines from each recorded stack: the sweep's variety without its bulk


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def golden_fields(path):
    fields = {}
    for line in path.read_text().split("\n---\n", 1)[0].splitlines():
        if ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            fields[key.strip()] = value.strip()
    return fields


def command_lines():
    lines = []
    for case in sorted((ROOT / "tests/golden/cases").glob("*.golden")):
        args = golden_fields(case).get("args")
        if args:
            lines.append(args)
    for args in sorted((ROOT / "examples").glob("*.args")):
        lines.append(args.read_text())
    for recording in sorted((ROOT / "tests/oracle/recorded").glob("*.jsonl.gz")):
        with gzip.open(recording, "rt") as records:
            for index, record in enumerate(records):
                if index >= ORACLE_SAMPLE:
                    break
                lines.append(shlex.join(json.loads(record)["args"]))
    return lines


def main():
    lines = command_lines()
    for line in lines:
        put("fuzz_qemu_command_line", line)
        put("fuzz_plan", b"\x00" + line.encode())
        put("fuzz_plan", b"\x81" + line.encode())
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue  # a golden case of a malformed line: seeds the readers above only
        for option, value in zip(words, words[1:]):
            if option in ("-device", "-machine", "-object", "-global", "-cpu", "-m", "-smp"):
                put("fuzz_qemu_option_syntax", (b"\x01" if value.startswith("{") else b"\x00") + value.encode())
                put("fuzz_qemu_option_syntax", b"\x02" + json.dumps(
                    {"driver": value.split(",")[0], "id": "fuzz", "addr": "0x3"}).encode())
    for line in ("qemu-system-ppc64 -machine pseries -m 4G -nodefaults",
                 "qemu-system-ppc64 -machine pseries-7.2,cap-cfpc=broken -m 8G -smp 4 -device spapr-pci-host-bridge,index=1 "
                 "-device virtio-net-pci,bus=pci.1 -device vfio-pci,host=0003:01:00.0",
                 "-machine pseries-2.12-sxxm -m 2G -global spapr-pci-host-bridge.mem_win_size=0x40000000",
                 "-machine pseries,accel=kvm -device spapr-pci-host-bridge,index=2,id=phb2 -device pci-bridge,bus=phb2.0,chassis_nr=1"):
        put("fuzz_ppc64_command_line", line)
    for size in ("2G", "1.5M", "16E", "8E", "0x1000", "1k", "0", "", "-1", "1e3", "18446744073709551615", "0x", "1T", "4096b"):
        put("fuzz_size_parse", size)
        put("fuzz_qemu_option_syntax", b"\x03" + size.encode())
    for folder in ("tests/fixtures/libvirt-xml", "tests/fixtures/libvirt-fix", "tests/fixtures/libvirt-memlock", "tests/golden/cases"):
        for xml in sorted((ROOT / folder).glob("*.xml")):
            put("fuzz_libvirt_domain", xml.read_bytes())
            put("fuzz_libvirt_memlock", xml.read_bytes())
    for cfg in sorted(list((ROOT / "tests/golden/xen").glob("*.cfg")) + list((ROOT / "examples/xen").glob("*.cfg"))):
        put("fuzz_xl_cfg", cfg.read_bytes())
    # fuzz_qm_showcmd: `qm showcmd` output, alone (qemu-server's files from aperture's copies) or followed by
    # a NUL and a -readconfig file's text.
    for cmd in sorted((ROOT / "examples/proxmox").glob("*.cmd")):
        put("fuzz_qm_showcmd", cmd.read_bytes())
        put("fuzz_qm_showcmd", cmd.read_bytes() + b"\x00[device \"pcidmi\"]\n  driver = \"i82801b11-bridge\"\n  bus = \"pcie.0\"\n"
            b"  addr = \"1e.0\"\n\n[machine]\n  type = \"pc-q35-9.2+pve0\"\n")
    for snapshot in sorted((ROOT / "tests/fixtures/host/snapshots").glob("*.json")):
        put("fuzz_host_snapshot", snapshot.read_bytes())
    # fuzz_host_probe: tree index, file index (both in the order the target sorts them), then the content.
    trees = sorted(p for p in (ROOT / "tests/fixtures/host").iterdir() if p.is_dir() and p.name != "snapshots")
    for tree_index, tree in enumerate(trees):
        files = []
        for directory, _, names in os.walk(tree):
            for name in names:
                path = pathlib.Path(directory) / name
                if path.is_file() and not path.is_symlink():
                    files.append("/" + path.relative_to(tree).as_posix())
        for file_index, relative in enumerate(sorted(files)):
            if file_index > 255:
                break
            put("fuzz_host_probe", bytes([tree_index, file_index]) + (tree / relative.lstrip("/")).read_bytes())


if __name__ == "__main__":
    main()
