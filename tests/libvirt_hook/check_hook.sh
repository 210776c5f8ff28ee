#!/bin/bash
# contrib/libvirt/aperture-qemu-hook called the way libvirt calls qemu.d hooks (DOMAIN OPERATION SUB-OP EXTRA,
# the domain XML on standard input): a FAIL stops "prepare begin" with the findings on stderr; everything else
# lets the VM start.
#   check_hook.sh APERTURE SOURCE_DIR
set -u
aperture=$(realpath "$1")
source_dir=$2
hook=$source_dir/contrib/libvirt/aperture-qemu-hook
cases=$source_dir/tests/golden/cases
host="--host $source_dir/tests/fixtures/host/snapshots/h100-8gpu-server.json"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
run_hook() {  # run_hook XML_FILE ARGS...: sets status and err
    local xml=$1
    shift
    err=$(APERTURE=$aperture APERTURE_HOOK_CONFIG=/dev/null APERTURE_HOOK_ARGS=${hook_args-$host} sh "$hook" "$@" < "$xml" 2>&1 >/dev/null)
    status=$?
}

# Two H100s under OVMF 2022.11's 32 GiB window: the firmware leaves BARs unassigned.
run_hook "$cases/fix-h100-pair-ovmf.xml" h100-pair prepare begin -
[[ $status == 1 ]] || fail "a failing domain started (status $status): $err"
[[ $err == *"domain 'h100-pair' would fail"* && $err == *"FAIL  firmware.assignment"* ]] || fail "no reason given: $err"
[[ $err == *"X-PciMmio64Mb"* ]] || fail "the fix is not shown: $err"
[[ $err != *"PASS  "* ]] || fail "passing findings shown: $err"

run_hook "$cases/libvirt-q35-virt-manager-basic.xml" basic prepare begin -
[[ $status == 0 && -z $err ]] || fail "a working domain was stopped or noisy (status $status): $err"

# Only prepare/begin is checked: the same failing domain at any other stage passes untouched.
for stage in "start begin" "started begin" "release end" "prepare end" "migrate begin"; do
    # shellcheck disable=SC2086
    run_hook "$cases/fix-h100-pair-ovmf.xml" h100-pair $stage -
    [[ $status == 0 && -z $err ]] || fail "stage '$stage' was checked (status $status)"
done

# A domain aperture cannot read: allowed by default, stopped on request.
bad=$(mktemp)
trap 'rm -f "$bad"' EXIT
echo "<domain type='kvm'><name>x</name>" > "$bad"
run_hook "$bad" broken prepare begin -
[[ $status == 0 && $err == *"starting it unchecked"* ]] || fail "an unreadable domain: status $status: $err"
err=$(APERTURE=$aperture APERTURE_HOOK_CONFIG=/dev/null APERTURE_HOOK_ON_ERROR=deny sh "$hook" broken prepare begin - < "$bad" 2>&1)
[[ $? == 1 && $err == *"APERTURE_HOOK_ON_ERROR=deny"* ]] || fail "deny did not stop it: $err"

# A skipped domain and a missing binary never stop a VM.
err=$(APERTURE=$aperture APERTURE_HOOK_CONFIG=/dev/null APERTURE_HOOK_SKIP="other h100-pair" APERTURE_HOOK_ARGS=$host \
      sh "$hook" h100-pair prepare begin - < "$cases/fix-h100-pair-ovmf.xml" 2>&1)
[[ $? == 0 ]] || fail "a skipped domain was checked: $err"
err=$(APERTURE=/nonexistent/aperture APERTURE_HOOK_CONFIG=/dev/null sh "$hook" h100-pair prepare begin - < "$cases/fix-h100-pair-ovmf.xml" 2>&1)
[[ $? == 0 && $err == *"not installed"* ]] || fail "a missing binary stopped the VM: $err"

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "libvirt hook: all checks passed"
