#!/usr/bin/env python3
"""Every JSON document aperture writes validates against the schema its "schema" key names.

The schemas are docs/schema/<id with "/" as "-">.schema.json (aperture-plan/2 -> aperture-plan-2.schema.json).
The documents checked:
  - each golden case's stored output when the case is `format: json`;
  - each golden case run again with `--format json` (plan, check, fix, memlock; x86, Xen and pseries);
  - what the goldens do not cover: `devices --format json`, `host --format json` on every host fixture tree,
    the saved host snapshots the tests load, `memlock --format json` on the golden domains, and errors
    written as JSON (bad input, a QEMU refusal, a usage error, a file that is not there).
An error's exit_status and a check's, fix's or Xen plan's "failed" must agree with the process's exit status.
Then a self-test: documents broken on purpose (a key renamed, a number written as a string, an outcome word
misspelt, an unknown schema id) must each be rejected, so a schema that accepts anything fails here; and each
enumeration a schema lists (outcomes, finding ids, e820 types, error codes, ...) must be exactly the words the
C++ function that writes it returns, so words the goldens never produce are checked too.

    validate_schemas.py --aperture BIN [--keep DIR]

One line per document, then a summary. Exit 0 when everything passes, 1 when something does not, 77 (CTest's
skip) when the jsonschema module (Debian's python3-jsonschema) is missing.
"""
import argparse
import copy
import json
import pathlib
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCHEMA_DIR = ROOT / "docs" / "schema"
FIXTURES = ROOT / "tests" / "fixtures"
SKIP = 77

sys.path.insert(0, str(HERE))
import run_golden  # noqa: E402  (parse_case, run_case: the goldens are run exactly as run_golden.py runs them)

try:
    import jsonschema
except ImportError:
    print("SKIP: the Python module jsonschema is missing (Debian: apt-get install python3-jsonschema, "
          "or scripts/install-deps.sh --tests)")
    sys.exit(SKIP)


def schema_file(schema_id):
    """aperture-plan/2 -> docs/schema/aperture-plan-2.schema.json"""
    return SCHEMA_DIR / (schema_id.replace("/", "-") + ".schema.json")


def load_schemas():
    """Every published schema, checked against the 2020-12 metaschema, by its "$id"."""
    schemas = {}
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        if not schema.get("$id", "").endswith("/" + path.name):
            raise SystemExit(f"{path}: \"$id\" must end with /{path.name}, got {schema.get('$id')!r}")
        schemas[path.name] = schema
    return schemas


def make_validators(schemas):
    """A validator per schema file, each able to follow "$ref"s into the others (check's plan, fix's findings)."""
    try:
        from referencing import Registry, Resource  # jsonschema 4.18 and later
        registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
        return {name: jsonschema.Draft202012Validator(s, registry=registry) for name, s in schemas.items()}
    except ImportError:  # Debian 12's jsonschema 4.10
        store = {s["$id"]: s for s in schemas.values()}
        return {name: jsonschema.Draft202012Validator(s, resolver=jsonschema.RefResolver.from_schema(s, store=store))
                for name, s in schemas.items()}


def problems_of(validators, text):
    """What is wrong with one document (an empty list: it validates)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        return [f"not JSON: {e}"]
    return problems_of_doc(validators, doc)


def problems_of_doc(validators, doc):
    if not isinstance(doc, dict) or not isinstance(doc.get("schema"), str):
        return ["no \"schema\" key naming the document's schema"]
    name = schema_file(doc["schema"]).name
    if name not in validators:
        return [f"schema {doc['schema']!r} has no schema file (docs/schema/{name})"]
    errors = sorted(validators[name].iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(document)'}: {e.message}" for e in errors[:10]]


class Tally:
    def __init__(self, keep):
        self.passed = 0
        self.failed = 0
        self.by_schema = {}
        self.documents = []  # each document that validated, for the breakages
        self.keep = keep

    def record(self, label, text, exit_code, validators):
        """One document; exit_code is the process's (None for a file), which an aperture-error/1 must state."""
        problems = problems_of(validators, text)
        if not problems and exit_code is not None:
            doc = json.loads(text)
            if doc["schema"] == "aperture-error/1" and doc["error"]["exit_status"] != exit_code:
                problems.append(f"error/exit_status is {doc['error']['exit_status']}, the process exited {exit_code}")
            # "failed" is the verdict the exit status gives (1), for the documents that carry one.
            if "failed" in doc and doc["failed"] != (exit_code == 1):
                problems.append(f"failed is {str(doc['failed']).lower()}, the process exited {exit_code}")
        schema = "?"
        try:
            schema = json.loads(text).get("schema", "?")
        except (json.JSONDecodeError, AttributeError):
            pass
        if self.keep:
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in label)
            (self.keep / f"{safe}.json").write_text(text)
        if problems:
            self.failed += 1
            print(f"FAIL {label} ({schema})")
            for p in problems:
                print(f"       {p}")
        else:
            self.passed += 1
            self.by_schema[schema] = self.by_schema.get(schema, 0) + 1
            self.documents.append(json.loads(text))
            print(f"PASS {label} ({schema})")


def run(aperture, args, cwd=None, stdin=None):
    proc = subprocess.run([aperture] + args, capture_output=True, text=True, timeout=120, cwd=cwd, input=stdin)
    return proc.returncode, proc.stdout


def golden_documents(aperture):
    """(label, text, exit status) for each golden case's stored JSON and each case run with --format json."""
    for path in sorted(run_golden.CASES.glob("*.golden")):
        fields, expected = run_golden.parse_case(path)
        if fields["format"] == "json" and fields.get("stderr") != "yes":
            yield f"golden {path.stem} (stored)", expected, None
        as_json = dict(fields, format="json", stderr="no")
        code, output = run_golden.run_case(aperture, as_json)
        yield f"golden {path.stem} (--format json)", output, code


def other_documents(aperture, scratch):
    """(label, text, exit status or None for a file) for the JSON outputs the goldens do not produce."""
    cases = run_golden.CASES
    code, out = run(aperture, ["devices", "--format", "json"])
    yield "devices --format json", out, code
    for tree in sorted(p for p in (FIXTURES / "host").iterdir() if (p / "sys").is_dir()):
        saved = scratch / f"{tree.name}.json"
        code, out = run(aperture, ["host", "--format", "json", "--root", str(tree), "--save", str(saved)])
        yield f"host --format json --root {tree.name}", out, code
        yield f"host --save (from {tree.name})", saved.read_text() if saved.exists() else "(host --save wrote nothing)", None
    # Snapshots saved as aperture-host/1 (still read by --host and --migrate-to) validate against its schema.
    for snapshot in sorted((FIXTURES / "host" / "snapshots").rglob("*.json")) + sorted((HERE / "xen").glob("*.json")):
        yield f"saved host snapshot {snapshot.relative_to(ROOT)}", snapshot.read_text(), None
    for xml in sorted(cases.glob("*.xml")):
        code, out = run(aperture, ["memlock", "--format", "json", "--xml", xml.name], cwd=cases)
        yield f"memlock --format json --xml {xml.name}", out, code
    code, out = run(aperture, ["memlock", "--format", "json", "--xml", "libvirt-pseries-nvlink2.xml",
                               "--libvirt-version", "5.2.0", "--nvlink2", "0004:04:00.0"], cwd=cases)
    yield "memlock --format json (pseries, libvirt 5.2.0, --nvlink2)", out, code
    h100_host = str(FIXTURES / "host" / "snapshots" / "h100-8gpu-server.json")
    code, out = run(aperture, ["fix", "--format", "json", "--xml", "-", "--host", h100_host], cwd=cases,
                    stdin=(cases / "fix-h100-pair-ovmf.xml").read_text())
    yield "fix --format json --xml - (fix-h100-pair-ovmf.xml)", out, code
    code, out = run(aperture, ["plan", "--format", "json", "--", "-machine", "pseries", "-m", "4G"])
    yield "plan --format json (pseries)", out, code
    code, out = run(aperture, ["plan", "--format", "json", "--", "-machine", "pseries", "-m", "100M"])
    yield "plan --format json (pseries, QEMU refuses: RAM not 256 MiB aligned)", out, code
    code, out = run(aperture, ["check", "--format", "json", "--", "-machine", "pseries", "-m", "4G"])
    yield "check --format json (pseries)", out, code
    xen_h100 = ["--xl", str(HERE / "xen" / "h100.cfg"), "--passthrough", "0000:41:00.0=h100", "--phys-bits", "36"]
    code, out = run(aperture, ["plan", "--format", "json"] + xen_h100)
    yield "plan --format json --xl h100.cfg (BAR past phys-bits)", out, code
    code, out = run(aperture, ["check", "--format", "json"] + xen_h100)
    yield "check --format json --xl h100.cfg (BAR past phys-bits)", out, code
    traditional = scratch / "traditional.cfg"
    traditional.write_text('type = "hvm"\nmemory = 2048\ndevice_model_version = "qemu-xen-traditional"\n')
    code, out = run(aperture, ["plan", "--format", "json", "--xl", str(traditional), "--xen", "4.22.0"])
    yield "plan --format json --xl (libxl refuses: qemu-xen-traditional on Xen 4.22)", out, code
    code, out = run(aperture, ["plan", "--format", "json", "--", "-machine", "q35", "-m", "2G", "-device", "virtio-scsi-pci",
                               "-device", "nvme,serial=disk0"])
    yield "plan --format json (SeaBIOS e820 race: virtio-scsi and NVMe)", out, code
    errors = {
        "bad input (-m 2X)": ["plan", "--format", "json", "--", "-m", "2X"],
        "missing file": ["check", "--format", "json", "--xml", str(scratch / "no-such-domain.xml")],
        "usage (unknown option)": ["plan", "--format", "json", "--no-such-option"],
        "QEMU refuses (duplicate id, exit 1)": ["plan", "--format", "json", "--", "-machine", "q35", "-device", "e1000,id=nic",
                                                "-device", "e1000,id=nic"],
        "aperture option after --": ["plan", "--format", "json", "--", "-machine", "q35", "--host-phys-bits", "39"],
        "host --root not a directory": ["host", "--format", "json", "--root", str(scratch / "no-such-root")],
    }
    for what, args in errors.items():
        code, out = run(aperture, args)
        yield f"error as JSON: {what}", out, code


def first(items, test):
    return next(i for i in items if test(i))


# Each breakage: (schema of the document it breaks, what it does, how), applied to a copy of the largest
# document of that schema that validated (a plan with an OVMF window choice, a check with fixes and a plan).
BREAKAGES = [
    ("aperture-plan/2", "plan with 'outcome' renamed 'result'", lambda d: d.__setitem__("result", d.pop("outcome"))),
    ("aperture-plan/2", "plan with memory.ram_size as a string", lambda d: d["memory"].__setitem__("ram_size", str(d["memory"]["ram_size"]))),
    ("aperture-plan/2", "plan with outcome 'ok' (version 1's word)", lambda d: d.__setitem__("outcome", "ok")),
    ("aperture-plan/2", "plan with outcome 'works' and an error", lambda d: d.update(outcome="works", failed=False, error={"source": "qemu", "message": "x"})),
    ("aperture-plan/2", "plan whose 'failed' disagrees with its outcome", lambda d: d.__setitem__("failed", not d["failed"])),
    ("aperture-plan/2", "plan refused by QEMU that has firmware windows", lambda d: d.update(outcome="refused", failed=True, error={"source": "qemu", "message": "x"})),
    ("aperture-plan/2", "plan with an address as a hex string only", lambda d: d["memory"].__setitem__("above_4g_start", d["memory"]["above_4g_start_hex"])),
    ("aperture-plan/2", "plan with an address's hex twin in upper case", lambda d: d["memory"].__setitem__("max_used_gpa_hex", d["memory"]["max_used_gpa_hex"].upper())),
    ("aperture-plan/2", "plan with a range written {start, end} (version 1)", lambda d: d["windows"].__setitem__("mem32", {"start": d["windows"]["mem32"]["base_hex"], "end": d["windows"]["mem32"]["last_hex"]})),
    ("aperture-plan/2", "plan with a range without 'last'", lambda d: d["windows"]["mem32"].pop("last")),
    ("aperture-plan/2", "plan with a PCI address without its domain", lambda d: d["functions"][0].__setitem__("pci_address", d["functions"][0]["pci_address"][5:])),
    ("aperture-plan/2", "plan with an unknown key in a function", lambda d: d["functions"][0].__setitem__("bars_extra", [])),
    ("aperture-plan/2", "plan without 'windows'", lambda d: d.pop("windows")),
    ("aperture-plan/2", "plan with an I/O BAR marked prefetchable", lambda d: first((b for f in d["functions"] for b in f["bars"]), lambda b: b["kind"] == "io").__setitem__("prefetchable", True)),
    ("aperture-plan/2", "plan with a BAR of kind 'mem' (version 1's word)", lambda d: first((b for f in d["functions"] for b in f["bars"]), lambda b: b["kind"] == "mem64").__setitem__("kind", "mem")),
    ("aperture-plan/2", "plan with a BAR given version 1's 'bits'", lambda d: first((b for f in d["functions"] for b in f["bars"]), lambda b: b["kind"] == "mem64").__setitem__("bits", 64)),
    ("aperture-plan/2", "plan with an unknown mmio64_choice trust", lambda d: d["mmio64_choice"].__setitem__("phys_bits_trust", "trusted")),
    ("aperture-plan/2", "plan with a stack part without 'source'", lambda d: d["stack"]["qemu"].pop("source")),
    ("aperture-check/3", "check with verdict 'pass'", lambda d: d["findings"][0].__setitem__("verdict", "pass")),
    ("aperture-check/3", "check with an unknown finding id", lambda d: d["findings"][0].__setitem__("id", "host.phys_bits")),
    ("aperture-check/3", "check with version 1's 'subject' prose", lambda d: d.__setitem__("subject", d.pop("summary"))),
    ("aperture-check/3", "check with a finding without its subject", lambda d: d["findings"][0].pop("subject")),
    ("aperture-check/3", "check with a finding's subject port a number", lambda d: d["findings"][0]["subject"].__setitem__("port", 1)),
    ("aperture-check/3", "check with a finding's subject BAR without its domain", lambda d: d["findings"][0]["subject"]["bars"].append({"pci_address": "01:00.0", "index": 0})),
    ("aperture-check/3", "check whose fix closes an unknown finding", lambda d: first(d["findings"], lambda f: f["fixes"])["fixes"][0].__setitem__("closes", ["target0.host.phys-bits"])),
    ("aperture-check/3", "check whose fix has a change of unknown kind", lambda d: first(d["findings"], lambda f: f["fixes"])["fixes"][0]["changes"].append({"kind": "shell", "commands": ["x"]})),
    ("aperture-check/3", "check whose embedded plan has a negative size", lambda d: d["plan"]["memory"].__setitem__("ram_size", -1)),
    ("aperture-check/3", "check without 'failed'", lambda d: d.pop("failed")),
    ("aperture-check/3", "check naming a schema with no file", lambda d: d.__setitem__("schema", "aperture-check/99")),
    ("aperture-fix/2", "fix whose fixed domain has no verdict", lambda d: d["fixed"].pop("failed")),
    ("aperture-error/1", "error with exit status 1 for bad input", lambda d: d["error"].__setitem__("exit_status", 1)),
    ("aperture-error/1", "error with an unknown code", lambda d: d["error"].__setitem__("code", "error")),
    ("aperture-host/2", "host snapshot with a memlock limit as version 1's word", lambda d: d["memlock"].__setitem__("soft", "unlimited")),
    ("aperture-host/2", "host snapshot with an unlimited limit that has bytes", lambda d: d["memlock"].__setitem__("hard", {"unlimited": True, "bytes": 65536})),
    ("aperture-host/2", "host snapshot with an unknown key in a device", lambda d: d["pci"][0].__setitem__("name", "x")),
    ("aperture-host/2", "host snapshot with a PCI address without its domain", lambda d: d["pci"][0].__setitem__("pci_address", d["pci"][0]["pci_address"][5:])),
    ("aperture-host/2", "host snapshot with a BAR's base as version 1's 'start'", lambda d: first((b for p in d["pci"] for b in p["bars"]), lambda b: True).__setitem__("start", "0x0")),
    ("aperture-host/2", "host snapshot with a 24-bit class (version 1)", lambda d: d["pci"][0].__setitem__("class", d["pci"][0]["class"] + "00")),
    ("aperture-memlock/2", "memlock with action 'left as libvirtd's' (version 1)", lambda d: d.__setitem__("action", "left as libvirtd's")),
    ("aperture-memlock/2", "memlock with a limit whose bytes is a string", lambda d: d.update(action="set", limit={"unlimited": False, "bytes": "4096"})),
    ("aperture-memlock/2", "memlock that leaves the limit but gives one", lambda d: d.update(action="leave", limit={"unlimited": False, "bytes": 4096})),
    ("aperture-devices/2", "devices with a vendor ID as an integer (version 1)", lambda d: d["passthrough_catalog"][0].__setitem__("vendor_id", 4318)),
    ("aperture-devices/2", "devices with a catalog BAR given a base", lambda d: d["passthrough_catalog"][0]["bars"][0].update(base=4096, base_hex="0x1000")),
    ("aperture-xen-plan/2", "Xen plan with a BAR's 'index' renamed 'bar' (version 1)", lambda d: d["bars"][0].__setitem__("bar", d["bars"][0].pop("index"))),
    ("aperture-xen-plan/2", "Xen plan with unassigned BARs that does not fail", lambda d: (d.__setitem__("unassigned", [{"pci_address": "0000:00:04.0", "index": 0, "what": "BAR 0", "size": 4096, "reason": "x"}]), d.__setitem__("failed", False))),
    ("aperture-xen-plan/2", "Xen plan with version 1's 'refused'", lambda d: d.__setitem__("refused", None)),
    ("aperture-pseries-plan/2", "pseries plan with a PHB window without pci_base", lambda d: d["phbs"][0]["mem32"].pop("pci_base")),
    ("aperture-pseries-plan/2", "pseries plan with an unknown SLOF pool", lambda d: first((b for p in d["phbs"] for f in p["functions"] for b in f["bars"]), lambda b: True).__setitem__("window", "mmio64")),
    ("aperture-pseries-plan/2", "pseries plan with a BAR kind 'mem64 pref' (version 1)", lambda d: first((b for p in d["phbs"] for f in p["functions"] for b in f["bars"]), lambda b: True).__setitem__("kind", "mem64 pref")),
]


# The enumerated words each schema lists, against the C++ function that writes them: a word the goldens never
# produce (an e820 origin, a finding id, an error code) is still checked, and a word added to the code without
# the schema fails here. (schema file, path to the "enum" in it, source file, the writing function's signature)
VOCABULARIES = [
    ("aperture-plan-2", "$defs/outcome", "src/plan/plan_view.cpp", "to_string(PredictedOutcome outcome)"),
    ("aperture-plan-2", "$defs/bar_fields/properties/kind", "src/core/json_shapes.cpp", "to_string(BarJsonKind kind)"),
    ("aperture-plan-2", "$defs/e820_type", "src/machine/e820.cpp", "to_string(E820Type type)"),
    ("aperture-plan-2", "$defs/e820_entry/properties/origin", "src/machine/e820.cpp", "to_string(E820Origin origin)"),
    ("aperture-plan-2", "$defs/stack_provenance/properties/source", "src/plan/stack_choice.cpp", "to_string(StackChoiceSource source)"),
    ("aperture-plan-2", "$defs/stack_caveat/properties/kind", "src/plan/stack_choice.cpp", "to_string(StackCaveatKind kind)"),
    ("aperture-plan-2", "properties/mmio64_choice/properties/kind", "src/firmware/ovmf/platform_windows.cpp", "to_string(Mmio64Choice choice)"),
    ("aperture-plan-2", "properties/mmio64_choice/properties/phys_bits_trust", "src/firmware/ovmf/platform_windows.cpp", "trust_key(OvmfTrust trust)"),
    ("aperture-check-3", "$defs/finding_id", "src/diagnostics/finding_kind.cpp", "to_string(FindingKind kind)"),
    ("aperture-check-3", "$defs/verdict", "src/diagnostics/checks.cpp", "to_string(Verdict verdict)"),
    ("aperture-check-3", "$defs/fix/properties/scope", "src/diagnostics/checks.cpp", "to_string(FixScope scope)"),
    ("aperture-check-3", "$defs/fix/properties/stability", "src/diagnostics/checks.cpp", "to_string(FixStability stability)"),
    ("aperture-error-1", "properties/error/properties/code", "src/cli/error_report.cpp", "error_code(ErrorKind kind)"),
    ("aperture-host-2", "properties/kvm/properties/guest_phys_bits/properties/source", "src/host/kvm_guest_phys_bits.cpp", "to_string(GuestPhysBitsSource source)"),
    ("aperture-host-2", "properties/kvm/properties/guest_phys_bits/properties/basis", "src/host/kvm_guest_phys_bits.cpp", "to_string(GuestPhysBitsBasis basis)"),
    ("aperture-host-2", "properties/kvm/properties/guest_phys_bits/properties/kvm_device", "src/host/kvm_device.cpp", "to_string(KvmDeviceOutcome outcome)"),
    ("aperture-host-2", "properties/iommu/properties/units/items/properties/vendor", "src/host/iommu.cpp", "to_string(IommuVendor vendor)"),
    ("aperture-host-2", "properties/memlock/oneOf/1/properties/source", "src/host/memlock.cpp", "to_string(MemlockSource source)"),
    ("aperture-memlock-2", "properties/action", "src/app/memlock_use_case.cpp", "action_word(LibvirtMemlockAction action)"),
    ("aperture-pseries-plan-2", "$defs/phb/properties/functions/items/properties/bars/items/properties/window", "src/firmware/slof/slof_bar_assignment.cpp", "to_string(Pool pool)"),
]


def written_words(source, signature):
    """The non-empty string literals the function returns: its switch's cases (not the fallback after the
    switch, which the compiler's -Wswitch keeps unreachable), or a one-line ternary."""
    text = (ROOT / source).read_text()
    start = text.find(signature + " {")
    if start < 0:
        return None
    first_line = text[start:text.index("\n", start)]
    body = first_line if first_line.rstrip().endswith("}") else text[start:text.index("\n}", start)]
    cases_only = "switch" in body
    words = set()
    for line in body.splitlines():
        if "return" in line and (not cases_only or "case " in line):
            words.update(w for w in re.findall(r'"([^"]*)"', line.split("return", 1)[1]) if w)
    return words


def vocabulary_problems(schemas):
    problems = []
    for name, path, source, signature in VOCABULARIES:
        node = schemas[name + ".schema.json"]
        for part in path.split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        listed = set(node["enum"])
        written = written_words(source, signature)
        if written is None:
            problems.append(f"{source}: no function '{signature}' (the schema test reads its words)")
        elif listed != written:
            problems.append(f"{name} {path}: the schema lists {sorted(listed - written)} that {signature} never writes, "
                            f"and misses {sorted(written - listed)}")
    # The finding keys a fix closes: every id, on the source host and on migration targets.
    key = re.compile(schemas["aperture-check-3.schema.json"]["$defs"]["finding_key"]["pattern"])
    for finding_id in schemas["aperture-check-3.schema.json"]["$defs"]["finding_id"]["enum"]:
        for k in (finding_id, "target." + finding_id, "target2." + finding_id):
            if not key.match(k):
                problems.append(f"aperture-check-3 $defs/finding_key does not match {k!r}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--aperture", required=True)
    parser.add_argument("--keep", type=pathlib.Path, help="write each document checked into this directory")
    opts = parser.parse_args()
    aperture = str(pathlib.Path(opts.aperture).resolve()) if "/" in opts.aperture else opts.aperture
    if opts.keep:
        opts.keep.mkdir(parents=True, exist_ok=True)

    schemas = load_schemas()
    validators = make_validators(schemas)
    print(f"{len(schemas)} schemas in {SCHEMA_DIR.relative_to(ROOT)}: {', '.join(sorted(schemas))}")
    tally = Tally(opts.keep)
    with tempfile.TemporaryDirectory() as scratch:
        for label, text, exit_code in golden_documents(aperture):
            tally.record(label, text, exit_code, validators)
        for label, text, exit_code in other_documents(aperture, pathlib.Path(scratch)):
            tally.record(label, text, exit_code, validators)

    # Every schema must have been met at least once, and every key it names at its top level, or that part of
    # the schema is tested by nothing.
    unmet = sorted(n for n in schemas if n not in {schema_file(s).name for s in tally.by_schema})
    for name in unmet:
        tally.failed += 1
        print(f"FAIL no document checked against {name}")
    for name, schema in sorted(schemas.items()):
        seen = set().union(*[d.keys() for d in tally.documents if schema_file(d["schema"]).name == name])
        for key in sorted(set(schema["properties"]) - seen):
            tally.failed += 1
            print(f"FAIL no document checked against {name} has '{key}'")

    rejected = not_rejected = 0
    for schema, label, breakage in BREAKAGES:
        candidates = [d for d in tally.documents if d["schema"] == schema]
        candidates.sort(key=lambda d: -len(json.dumps(d)))
        try:
            doc = copy.deepcopy(candidates[0])
            breakage(doc)
        except (TypeError, KeyError, IndexError, StopIteration):
            not_rejected += 1
            print(f"FAIL no {schema} document to break: {label}")
            continue
        if problems_of_doc(validators, doc):
            rejected += 1
            print(f"PASS rejected: {label}")
        else:
            not_rejected += 1
            print(f"FAIL accepted a broken document: {label}")

    vocabulary = vocabulary_problems(schemas)
    for problem in vocabulary:
        print(f"FAIL vocabulary: {problem}")
    if not vocabulary:
        print(f"PASS vocabulary: the {len(VOCABULARIES)} enumerations in the schemas list exactly the words the code writes")

    print(f"{tally.passed} documents validated, {tally.failed} failed; "
          f"{rejected} broken documents rejected, {not_rejected} not; "
          f"{len(VOCABULARIES) - len(vocabulary)} of {len(VOCABULARIES)} vocabularies match the code")
    print("validated per schema: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.by_schema.items())))
    sys.exit(1 if tally.failed or not_rejected or vocabulary or not tally.passed else 0)


if __name__ == "__main__":
    main()
