"""Every QEMU an oracle starts, registered so that it is killed even when the caller dies through an
exception, SIGTERM/SIGINT or interpreter exit. Shared by the x86 oracle (qemu_oracle.py), its sweep
and the pseries oracle (pseries/pseries_oracle.py)."""
from __future__ import annotations

import atexit
import os
import signal
import subprocess
import threading

_LIVE_LOCK = threading.Lock()
_LIVE: dict[int, subprocess.Popen] = {}
_SHUTDOWN = threading.Event()   # set by shutdown(): no new QEMU may start


class ShuttingDown(Exception):
    pass


def shutting_down() -> bool:
    return _SHUTDOWN.is_set()


def register(proc: subprocess.Popen) -> None:
    with _LIVE_LOCK:
        _LIVE[proc.pid] = proc
    if _SHUTDOWN.is_set():
        kill(proc)
        raise ShuttingDown("oracle is shutting down")


def kill(proc: subprocess.Popen) -> None:
    """Stop a child started with start_new_session=True: SIGTERM to its process group, SIGKILL
    after 3 s if it is still there, and reap it."""
    def signal_group(sig):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            proc.send_signal(sig)

    try:
        if proc.poll() is None:
            signal_group(signal.SIGTERM)
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
        signal_group(signal.SIGKILL)   # also stragglers left in the group
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    finally:
        with _LIVE_LOCK:
            _LIVE.pop(proc.pid, None)


def kill_all() -> None:
    with _LIVE_LOCK:
        procs = list(_LIVE.values())
    for p in procs:
        try:
            kill(p)
        except Exception:
            pass


def shutdown() -> None:
    """Kill every QEMU and refuse to start new ones (used on SIGTERM/SIGINT)."""
    _SHUTDOWN.set()
    kill_all()


atexit.register(shutdown)
