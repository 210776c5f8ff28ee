#!/usr/bin/env python3
"""Every JSON document aperture writes validates against the schema its "schema" key names.

The schemas are docs/schema/<id with "/" as "-">.schema.json (aperture-plan/1 -> aperture-plan-1.schema.json).
The documents checked:
  - each golden case's stored output when the case is `format: json`;
  - each golden case run again with `--format json` (plan, check, fix, memlock; x86, Xen and pseries);
  - what the goldens do not cover: `devices --format json`, `host --format json` on every host fixture tree,
    the saved host snapshots the tests load, `memlock --format json` on the golden domains, and errors
    written as JSON (bad input, a QEMU refusal, a usage error, a file that is not there).
Then a self-test: documents broken on purpose (a key renamed, a number written as a string, an outcome word
misspelt, an unknown schema id) must each be rejected, so a schema that accepts anything fails here.

    validate_schemas.py --aperture BIN [--keep DIR]

One line per document, then a summary. Exit 0 when everything passes, 1 when something does not, 77 (CTest's
skip) when the jsonschema module (Debian's python3-jsonschema) is missing.
"""
import argparse
import copy
import json
import pathlib
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
    """aperture-plan/1 -> docs/schema/aperture-plan-1.schema.json"""
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
        self.keep = keep

    def record(self, label, text, validators):
        problems = problems_of(validators, text)
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
            print(f"PASS {label} ({schema})")


def run(aperture, args, cwd=None, stdin=None):
    proc = subprocess.run([aperture] + args, capture_output=True, text=True, timeout=120, cwd=cwd, input=stdin)
    return proc.returncode, proc.stdout


def golden_documents(aperture):
    """(label, text) for each golden case's stored JSON and for each case run with --format json."""
    for path in sorted(run_golden.CASES.glob("*.golden")):
        fields, expected = run_golden.parse_case(path)
        if fields["format"] == "json" and fields.get("stderr") != "yes":
            yield f"golden {path.stem} (stored)", expected
        as_json = dict(fields, format="json", stderr="no")
        _, output = run_golden.run_case(aperture, as_json)
        yield f"golden {path.stem} (--format json)", output


def other_documents(aperture, scratch):
    """(label, text) for the JSON outputs the goldens do not produce."""
    cases = run_golden.CASES
    _, out = run(aperture, ["devices", "--format", "json"])
    yield "devices --format json", out
    for tree in sorted(p for p in (FIXTURES / "host").iterdir() if (p / "sys").is_dir()):
        saved = scratch / f"{tree.name}.json"
        _, out = run(aperture, ["host", "--format", "json", "--root", str(tree), "--save", str(saved)])
        yield f"host --format json --root {tree.name}", out
        yield f"host --save (from {tree.name})", saved.read_text() if saved.exists() else "(host --save wrote nothing)"
    for snapshot in sorted((FIXTURES / "host" / "snapshots").glob("*.json")) + sorted((HERE / "xen").glob("*.json")):
        yield f"saved host snapshot {snapshot.relative_to(ROOT)}", snapshot.read_text()
    for xml in sorted(cases.glob("*.xml")):
        _, out = run(aperture, ["memlock", "--format", "json", "--xml", xml.name], cwd=cases)
        yield f"memlock --format json --xml {xml.name}", out
    _, out = run(aperture, ["memlock", "--format", "json", "--xml", "libvirt-pseries-nvlink2.xml",
                            "--libvirt-version", "5.2.0", "--nvlink2", "0004:04:00.0"], cwd=cases)
    yield "memlock --format json (pseries, libvirt 5.2.0, --nvlink2)", out
    h100_host = str(FIXTURES / "host" / "snapshots" / "h100-8gpu-server.json")
    _, out = run(aperture, ["fix", "--format", "json", "--xml", "-", "--host", h100_host], cwd=cases,
                 stdin=(cases / "fix-h100-pair-ovmf.xml").read_text())
    yield "fix --format json --xml - (fix-h100-pair-ovmf.xml)", out
    _, out = run(aperture, ["plan", "--format", "json", "--", "-machine", "pseries", "-m", "4G"])
    yield "plan --format json (pseries)", out
    _, out = run(aperture, ["check", "--format", "json", "--", "-machine", "pseries", "-m", "4G"])
    yield "check --format json (pseries)", out
    xen_h100 = ["--xl", str(HERE / "xen" / "h100.cfg"), "--passthrough", "0000:41:00.0=h100", "--phys-bits", "36"]
    _, out = run(aperture, ["plan", "--format", "json"] + xen_h100)
    yield "plan --format json --xl h100.cfg (BAR past phys-bits)", out
    _, out = run(aperture, ["check", "--format", "json"] + xen_h100)
    yield "check --format json --xl h100.cfg (BAR past phys-bits)", out
    _, out = run(aperture, ["plan", "--format", "json", "--", "-machine", "q35", "-m", "64G", "-cpu", "qemu64,phys-bits=32"])
    yield "plan --format json (QEMU refuses: phys-bits too low)", out
    errors = {
        "bad input (-m 2X)": ["plan", "--format", "json", "--", "-m", "2X"],
        "missing file": ["check", "--format", "json", "--xml", str(scratch / "no-such-domain.xml")],
        "usage (unknown option)": ["plan", "--format", "json", "--no-such-option"],
        "aperture option after --": ["plan", "--format", "json", "--", "-machine", "q35", "--host-phys-bits", "39"],
        "host --root not a directory": ["host", "--format", "json", "--root", str(scratch / "no-such-root")],
    }
    for what, args in errors.items():
        _, out = run(aperture, args)
        yield f"error as JSON: {what}", out


def broken_documents(plan_doc, check_doc):
    """(label, document) that must fail validation: each is a real output with one thing broken."""
    doc = copy.deepcopy(plan_doc)
    doc["result"] = doc.pop("outcome")
    yield "plan with 'outcome' renamed 'result'", doc
    doc = copy.deepcopy(plan_doc)
    doc["memory"]["ram_size"] = str(doc["memory"]["ram_size"])
    yield "plan with memory.ram_size as a string", doc
    doc = copy.deepcopy(plan_doc)
    doc["outcome"] = "OK"
    yield "plan with outcome 'OK'", doc
    doc = copy.deepcopy(plan_doc)
    doc["memory"]["above_4g_start"] = int(doc["memory"]["above_4g_start"], 16)
    yield "plan with an address as a number where a hex string is written", doc
    doc = copy.deepcopy(plan_doc)
    doc["functions"][0]["bars_extra"] = []
    yield "plan with an unknown key in a function", doc
    doc = copy.deepcopy(plan_doc)
    del doc["windows"]
    yield "plan without 'windows'", doc
    doc = copy.deepcopy(check_doc)
    doc["findings"][0]["verdict"] = "pass"
    yield "check with verdict 'pass'", doc
    doc = copy.deepcopy(check_doc)
    doc["plan"]["memory"]["ram_size"] = -1
    yield "check whose embedded plan has a negative size", doc
    doc = copy.deepcopy(check_doc)
    doc["schema"] = "aperture-check/99"
    yield "check naming a schema with no file", doc


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
        for label, text in golden_documents(aperture):
            tally.record(label, text, validators)
        for label, text in other_documents(aperture, pathlib.Path(scratch)):
            tally.record(label, text, validators)

    # Every schema must have been met at least once, or its file is tested by nothing.
    unmet = sorted(n for n in schemas if n not in {schema_file(s).name for s in tally.by_schema})
    for name in unmet:
        tally.failed += 1
        print(f"FAIL no document checked against {name}")

    rejected = not_rejected = 0
    cases = run_golden.CASES
    # A plan and a check (with fixes and its embedded plan) as aperture writes them, then broken.
    _, plan_text = run(aperture, ["plan", "--format", "json", "--", "-machine", "q35", "-m", "2G"])
    _, check_text = run_golden.parse_case(cases / "check-two-h100-39bit-host.golden")
    for label, doc in broken_documents(json.loads(plan_text), json.loads(check_text)):
        if problems_of_doc(validators, doc):
            rejected += 1
            print(f"PASS rejected: {label}")
        else:
            not_rejected += 1
            print(f"FAIL accepted a broken document: {label}")

    print(f"{tally.passed} documents validated, {tally.failed} failed; "
          f"{rejected} broken documents rejected, {not_rejected} accepted")
    print("validated per schema: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.by_schema.items())))
    sys.exit(1 if tally.failed or not_rejected or not tally.passed else 0)


if __name__ == "__main__":
    main()
