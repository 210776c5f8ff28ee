#!/usr/bin/env python3
"""The README's sample outputs are what aperture prints today: every block between
<!-- readme-sample: exit N --> and <!-- /readme-sample --> starts with "$ aperture ARGS" and holds the exact
output; the command is run from the source tree with the built binary and must give that output and exit N.

    check_readme_samples.py APERTURE SOURCE_DIR
"""
import re
import shlex
import subprocess
import sys
from pathlib import Path

SAMPLE = re.compile(r"<!-- readme-sample: exit (\d+) -->\n```text\n\$ (aperture [^\n]*)\n(.*?)```\n<!-- /readme-sample -->", re.S)


def main() -> int:
    aperture, source = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    readme = (source / "README.md").read_text()
    samples = SAMPLE.findall(readme)
    if not samples:
        print("README.md has no readme-sample block")
        return 1
    failed = 0
    for exit_status, command, expected in samples:
        words = shlex.split(command)
        proc = subprocess.run([str(aperture)] + words[1:], cwd=source, capture_output=True, text=True, timeout=60)
        if proc.stdout != expected or proc.returncode != int(exit_status):
            failed += 1
            print(f"FAIL: {command}: exit {proc.returncode} (README: {exit_status})")
            import difflib
            sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), proc.stdout.splitlines(True), "README", "aperture"))
        else:
            print(f"PASS: {command}")
    print(f"{len(samples) - failed} of {len(samples)} README samples match")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
