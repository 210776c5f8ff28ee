#!/usr/bin/env python3
"""Real libvirt's QEMU command line for a domain: `virsh domxml-to-native qemu-argv`, no daemon.

    with LibvirtNative() as native:          # raises LibvirtUnavailable (with the reason) if it cannot run
        native.version                        # "9.0.0"
        result = native.to_native(xml)        # {"outcome": "accepted", "argv": [...]} or
                                              # {"outcome": "refused", "error": "..."}

How it runs (found on Debian 12 with libvirt 9.0.0; see tests/oracle/README.md):
- The embedded QEMU driver (`qemu:///embed?root=DIR`, libvirt 6.1+) runs inside virsh itself with all
  its state under DIR: no libvirtd/virtqemud to start or stop, nothing left behind but DIR (removed on
  exit). It needs the package libvirt-daemon-driver-qemu (the driver module) and qemu-system-x86 (it
  asks QEMU for its capabilities once, about 2 s, cached in DIR).
- As root, the embedded driver is "privileged" and looks up the user libvirt-qemu, which only
  libvirt-daemon-system creates; so root runs virsh as nobody (setpriv) instead.
- domxml-to-native turns every <interface> into a tap device it really opens (/dev/net/tun, then
  TUNSETIFF). So virsh runs in a network namespace of its own, where the tap is created and thrown
  away: as root with `unshare --net` and CAP_NET_ADMIN + CAP_DAC_OVERRIDE kept as ambient capabilities
  of nobody; as another user with `unshare --user --map-user=UID --net --keep-caps` (then
  /dev/net/tun must be world-readable-writable, as Debian's udev makes it). Where no namespace can be
  made, domains with interfaces cannot be converted: `interfaces` is then False and the reason is kept.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile

NOBODY = "nobody"
TIMEOUT = 60  # seconds for one virsh run (the first one probes QEMU's capabilities)

_PROBE = """<domain type='qemu'><name>probe</name><memory unit='MiB'>256</memory>
<os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>%s</devices></domain>"""


class LibvirtUnavailable(Exception):
    """libvirt cannot convert domains here (the reason says what is missing)."""


class LibvirtNative:
    def __init__(self, qemu: str = "/usr/bin/qemu-system-x86_64"):
        self.qemu = qemu
        self.root_dir: str | None = None
        self.version = ""
        self.interfaces = False
        self.interfaces_reason = ""
        self._prefix: list[str] = []

    # -- setup --------------------------------------------------------------------------------------------
    def __enter__(self) -> "LibvirtNative":
        virsh = shutil.which("virsh")
        if not virsh:
            raise LibvirtUnavailable("virsh not found (apt-get install libvirt-clients)")
        if not os.path.exists("/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so"):
            raise LibvirtUnavailable("libvirt's QEMU driver module is missing (apt-get install libvirt-daemon-driver-qemu)")
        if not os.path.exists(self.qemu):
            raise LibvirtUnavailable(f"{self.qemu} not found (apt-get install qemu-system-x86)")
        self.root_dir = tempfile.mkdtemp(prefix="aperture-libvirt-")
        os.chmod(self.root_dir, 0o755)
        as_root = os.geteuid() == 0
        if as_root:
            nobody = pwd.getpwnam(NOBODY)
            os.chown(self.root_dir, nobody.pw_uid, nobody.pw_gid)
            drop = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
            with_net = ["unshare", "--net"] + drop + ["--inh-caps=+net_admin,+dac_override",
                                                      "--ambient-caps=+net_admin,+dac_override"]
        else:
            drop = []
            with_net = ["unshare", f"--map-user={os.getuid()}", f"--map-group={os.getgid()}", "--net", "--keep-caps"]
        env = ["env", f"HOME={self.root_dir}", f"XDG_RUNTIME_DIR={self.root_dir}/run", "LC_ALL=C"]
        self._virsh = [virsh, "-q", "-c", f"qemu:///embed?root={self.root_dir}/state"]
        # The first conversion probes QEMU; a failure here is the reason libvirt cannot run at all.
        self._prefix = drop + env
        plain = self.to_native(_PROBE % "")
        if plain["outcome"] != "accepted":
            self.close()
            raise LibvirtUnavailable("virsh domxml-to-native refuses a minimal domain: " + plain["error"])
        self._prefix = with_net + env
        nic = self.to_native(_PROBE % "<interface type='user'><model type='virtio'/></interface>")
        if nic["outcome"] == "accepted":
            self.interfaces = True
        else:
            self.interfaces_reason = nic["error"]
            self._prefix = drop + env
        version = subprocess.run([virsh, "--version"], capture_output=True, text=True, timeout=TIMEOUT)
        self.version = version.stdout.strip()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.root_dir:
            shutil.rmtree(self.root_dir, ignore_errors=True)
            self.root_dir = None

    # -- conversion ---------------------------------------------------------------------------------------
    def to_native(self, xml: str) -> dict:
        """libvirt's argv for the domain (without the environment and the QEMU binary), or its refusal."""
        assert self.root_dir
        fd, path = tempfile.mkstemp(suffix=".xml", dir=self.root_dir)
        with os.fdopen(fd, "w") as f:
            f.write(xml)
        os.chmod(path, 0o644)
        try:
            run = subprocess.run(self._prefix + self._virsh + ["domxml-to-native", "qemu-argv", path],
                                 capture_output=True, text=True, timeout=TIMEOUT)
        finally:
            os.unlink(path)
        if run.returncode != 0:
            return {"outcome": "refused", "error": libvirt_error(run.stderr)}
        return {"outcome": "accepted", "argv": qemu_argv(run.stdout)}


def libvirt_error(stderr: str) -> str:
    """virsh's message without its 'error: ' prefixes and the log lines of the embedded driver."""
    lines = [l for l in stderr.splitlines() if l.strip() and not re.match(r"^\d{4}-\d\d-\d\d ", l)]
    lines = [l[len("error: "):] if l.startswith("error: ") else l for l in lines]
    lines = [l for l in lines if l != "Failed to convert domain XML to native config"]
    return "; ".join(lines) or stderr.strip()


def qemu_argv(native: str) -> list[str]:
    """The QEMU arguments of virsh's one-line output `VAR=value ... /usr/bin/qemu-system-x86_64 ARGS`."""
    words = shlex.split(native)
    for i, word in enumerate(words):
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
            return words[i + 1:]
    return []


if __name__ == "__main__":
    import sys
    with LibvirtNative() as native:
        print(f"libvirt {native.version}; interfaces: {native.interfaces} {native.interfaces_reason}", file=sys.stderr)
        for name in sys.argv[1:]:
            with open(name) as f:
                print(native.to_native(f.read()))
