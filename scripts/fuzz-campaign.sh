#!/usr/bin/env bash
# The fuzz campaign of issue 19: every libFuzzer target in turn, for a time or a number of runs, one at a time
# and under nice (the machine is shared), and a table of what each reached.
#
#   scripts/fuzz-campaign.sh [--build DIR] [--seconds N | --runs N] [--timeout S] [--jobs N] [--workers N] [TARGET...]
#
#   --build DIR   the fuzz build (default build-fuzz): configured with clang++ and -DAPERTURE_FUZZ=ON and built
#                 here when needed (install-deps.sh --fuzz installs clang with libFuzzer)
#   --seconds N   run each target N seconds (default 3600)
#   --runs N      run each target N executions instead (the issue's goal is 10000000)
#   --timeout S   libFuzzer -timeout: seconds (wall clock) one input may take (default 20)
#   --no-build    run the targets as they are built (a long campaign keeps fuzzing while the tree changes)
#   --jobs N      run N targets at a time (default 1; one per idle core)
#   --workers N   fuzz each target in N processes at once (libFuzzer -fork=N): the runs are theirs together,
#                 so one slow target left can take every idle core (default 1)
#   TARGET...     only these (default: every fuzz_* target of tests/fuzz/CMakeLists.txt)
#
# Each target starts from its committed corpus (tests/fuzz/corpus/TARGET), its regression inputs
# (tests/fuzz/regressions/TARGET) and its dictionary (tests/fuzz/dict/TARGET.dict). What it adds goes to
# DIR/fuzz-campaign/corpus/TARGET, a crash to DIR/fuzz-campaign/artifacts/TARGET/, the log to
# DIR/fuzz-campaign/TARGET.log, and a line per target to DIR/fuzz-campaign/summary.tsv: executions, exec/s,
# coverage (cov: edges, ft: features), corpus size, peak RSS and findings (crash, leak, timeout, oom files).
# A finding is fixed, and its input committed to tests/fuzz/regressions/TARGET, where CTest replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-fuzz
seconds=3600
runs=""
# libFuzzer's -timeout is wall-clock: on a machine busy with builds a niced target can wait that long for
# the CPU, so a shared machine wants a larger one (a real hang still shows, later).
timeout=20
build_targets=1
jobs=1
workers=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --no-build) build_targets=0; shift ;;
    --jobs) jobs="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "fuzz-campaign: unknown option '$1'" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n '/^set(APERTURE_FUZZ_TARGETS/,/)/p' tests/fuzz/CMakeLists.txt | grep -o 'fuzz_[a-z0-9_]*')
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
  command -v clang++ > /dev/null || bash scripts/install-deps.sh --fuzz
  CXX=clang++ CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAPERTURE_FUZZ=ON -DBUILD_TESTING=ON \
        -DAPERTURE_BENCHMARKS=OFF > /dev/null
fi
if [ "$build_targets" -eq 1 ]; then nice cmake --build "$build" -j2 --target "${targets[@]}"; fi

out="$build/fuzz-campaign"
mkdir -p "$out"
summary="$out/summary.tsv"
[ -f "$summary" ] || printf 'target\tdate\texecutions\texec_per_s\tcov\tft\tcorpus\tpeak_rss_mb\tfindings\tbuilt_from\n' > "$summary"
# The commit the targets were built from, so a figure names the code it was measured on.
built_from=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)
[ "$build_targets" -eq 1 ] || built_from="$(cat "$build/fuzz-campaign/built-from" 2> /dev/null || echo unknown)"
[ "$build_targets" -eq 0 ] || echo "$built_from" > "$build/fuzz-campaign/built-from"

fork=()
[ "$workers" -gt 1 ] && fork=(-fork="$workers")

run_target() {
  local target="$1"
  mkdir -p "$out/corpus/$target" "$out/artifacts/$target"
  limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit=(-runs="$runs")
  log="$out/$target.log"
  echo "fuzz-campaign: $target (${limit[*]}), log $log"
  # A finding stops the target (libFuzzer exits non-zero); the next target still runs. Once RSS passes half
  # of -rss_limit_mb, libFuzzer purges the allocator every second by default: under ASan each purge madvises the
  # free memory away (a TLB flush on every core) and the next inputs fault it in again, and fuzz_plan, past
  # 1 GB, fell from ~210 to ~40 executions per second, spending more time in the kernel than in itself. The
  # limit stays; only the purging goes.
  nice -n 19 "$build/fuzz/$target" "${limit[@]}" "${fork[@]}" -print_final_stats=1 -timeout="$timeout" -report_slow_units="$timeout" -rss_limit_mb=2048 \
       -purge_allocator_interval=-1 \
       -dict="tests/fuzz/dict/$target.dict" -artifact_prefix="$out/artifacts/$target/" \
       "$out/corpus/$target" "tests/fuzz/corpus/$target" "tests/fuzz/regressions/$target" > "$log" 2>&1 || true
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<< "$last")
  # Under -fork the parent prints no final stats: its last "#RUNS: cov: .. exec/s N .." line counts every
  # worker's runs (peak RSS is the workers', not reported).
  executions=$(stat number_of_executed_units)
  [ -n "$executions" ] || executions=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<< "$last")
  rate=$(stat average_exec_per_sec)
  [ -n "$rate" ] || rate=$(sed -n 's/.* exec\/s:* *\([0-9]*\).*/\1/p' <<< "$last")
  # A slow unit is not a finding on a shared machine (a niced process can wait seconds for the CPU): each is
  # run again alone and counts only when it is still slow there.
  for unit in "$out/artifacts/$target"/slow-unit-*; do
    [ -e "$unit" ] || continue
    begin=$(date +%s%N)
    "$build/fuzz/$target" "$unit" > /dev/null 2>&1 || true
    if [ $(( ($(date +%s%N) - begin) / 1000000 )) -lt 1000 ]; then rm -f "$unit"; fi
  done
  findings=$(find "$out/artifacts/$target" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$(date -u +%FT%TZ)" "$executions" \
         "$rate" "$cov" "$ft" "$corp" "$(stat peak_rss_mb)" "$findings" "$built_from" | tee -a "$summary"
}

for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$target" &
done
wait
