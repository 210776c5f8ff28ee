#!/usr/bin/env python3
"""A stand-in for the aperture binary, for testing the harness itself.

    selftest_aperture.py plan --format json [--qemu R] [--firmware seabios|ovmf|seabios-1.16.3|...]
                         -- <qemu args...>

"Predicts" by booting the oracle and printing what it observed, so
`sweep.py --aperture tests/oracle/selftest_aperture.py` must pass every case. It exits with
status 3 for refused / firmware-failed outcomes (like a real binary might), which exercises the
"non-zero exit with a plan on stdout" path. With APERTURE_SELFTEST_MUTATE=1 it moves the first
decoding memory BAR by 4 KiB, so every ok case must FAIL with an address difference.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_oracle  # noqa: E402
import stacks  # noqa: E402


def main(argv):
    if "--" not in argv or argv[:1] != ["plan"]:
        print("usage: selftest_aperture.py plan --format json [--firmware F] -- <qemu args>",
              file=sys.stderr)
        return 64
    cut = argv.index("--")
    opts, qargs = argv[1:cut], argv[cut + 1:]
    stack = stacks.from_aperture_args(opts)   # the stack whose --qemu/--firmware these are
    qemu_oracle.install_signal_handlers()
    obs = qemu_oracle.observe(qargs, stack=stack)
    obs.pop("oracle", None)
    obs["schema"] = "aperture-plan/1"  # the observation's shape, which compare.py takes as it is
    if os.environ.get("APERTURE_SELFTEST_MUTATE") == "1":
        done = False
        for fn in obs["functions"]:
            for bar in fn["bars"]:
                if not done and bar["kind"] == "mem" and bar["decoding"]:
                    bar["address"] = "0x%x" % (int(bar["address"], 16) + 0x1000)
                    done = True
    print(json.dumps(obs, indent=1))
    if obs["outcome"] in ("timeout", "oracle-error"):
        return 70
    return 0 if obs["outcome"] == "ok" else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
