#!/bin/bash
# The generated man page and bash completion work as a user meets them: the completion offers subcommands,
# options, an option's choices and files, and stays out of QEMU's words after "--"; the man page renders
# without warnings (where man is installed) and documents every option `aperture SUB --help` shows.
#   check_generated_docs.sh APERTURE GENERATED_DOCS_DIR
set -u
aperture=$1
docs=$2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# shellcheck source=/dev/null
source "$docs/aperture.bash"
complete_words() {  # complete_words WORD... : completes the last word
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _aperture
    echo "${COMPREPLY[*]}"
}
[[ $(complete_words aperture pl) == "plan" ]] || fail "subcommand: '$(complete_words aperture pl)'"
[[ " $(complete_words aperture check --for) " == *" --format "* ]] || fail "check option: '$(complete_words aperture check --for)'"
[[ $(complete_words aperture check --format "") == "text json svg html" ]] || fail "choices: '$(complete_words aperture check --format "")'"
[[ " $(complete_words aperture plan --host-cpu-vendor "") " == *" GenuineIntel "* ]] || fail "vendor choices"
[[ -z $(complete_words aperture plan -- -mach) ]] || fail "completed QEMU's words after --"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/vm-domain.xml"
[[ $(complete_words aperture check --xml "$tmp/vm-") == "$tmp/vm-domain.xml" ]] || fail "file completion for --xml"

# Every long option each subcommand's help lists is in the man page.
for sub in plan check fix host memlock devices; do
    # The options help lists at the start of a line ("  -h,--help", "  --format TEXT"), not ones quoted in a description.
    for option in $("$aperture" "$sub" --help | grep -oE -- '^ +(-[A-Za-z],)?--[a-z][a-z0-9-]*' | grep -o -- '--.*' | sort -u); do
        grep -q -- "\\\\fB$(sed 's/-/\\\\-/g' <<<"$option")\\\\fR" "$docs/aperture.1" || fail "man page lacks $sub $option"
    done
done
if command -v man >/dev/null && command -v groff >/dev/null; then
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$docs/aperture.1" 2>&1 >/dev/null)
    [[ -z $warnings ]] || fail "man --warnings: $warnings"
else
    echo "note: man or groff missing, the page's rendering was not checked"
fi
if command -v zsh >/dev/null; then
    zsh -n "$docs/_aperture" || fail "zsh completion does not parse"
fi
if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "generated docs: all checks passed"
