# shellcheck shell=bash
# The common part of galois's interop harnesses (tests/sip/run-scenario.sh,
# tests/audit/run-audit.sh, tests/webrtc/run-*.sh), sourced by each. A harness runs ONE scenario
# in a fresh network namespace that has only "lo" up (fixed ports are fine there, two runs never
# collide, and nothing can reach any address but 127.0.0.1/::1), prints what it checked and
# "PASS <scenario>" or "FAIL <scenario>: reasons". Exit status 0 = PASS, 1 = FAIL; a missing
# prerequisite (root and unshare included) is a FAIL, never a silent skip.
#
# A harness sets SCENARIOS (its scenario names) and HARNESS_HELP (the sed range of its own
# header that --help prints, e.g. '2,16'), then calls in this order:
#   harness_args "$@"          --galois PATH, --keep, --list, --help and the scenario; sets
#                              GALOIS (absolute, or "" when not found), KEEP, SC, ORIG_ARGS
#   harness_netns SCRIPT WHY   re-executes SCRIPT with ORIG_ARGS in a new network namespace with
#                              only lo up; WHY says what root is needed for
#   (its own prerequisite checks, each failing through `fail`)
#   harness_ready NAME         FAIL now if a check failed; else makes the run directory R
#                              ($TMPDIR or /tmp, galois-NAME-SC.XXXXXX), starts the clock and
#                              installs the traps that stop every pid in PIDS
#   harness_end                stops everything, prints PASS or FAIL with the reasons, exits;
#                              R is removed on PASS unless --keep
# In between it uses fail, say, elapsed, stop_pid, kill_tree and PIDS+=(pid). A harness that
# starts processes it stops in its own way defines harness_cleanup; it runs after PIDS are
# stopped, at the end and on an interrupt.

HARNESS_HELP=${HARNESS_HELP:-2,16}
FAILS=()
PIDS=()
fail() { FAILS+=("$*"); echo "  FAIL: $*"; }

harness_args() {
  GALOIS=${GALOIS:-}
  KEEP=0
  SC=
  ORIG_ARGS=("$@")
  while [ $# -gt 0 ]; do
    case $1 in
      --galois) GALOIS=${2:-}; shift 2 ;;
      --keep) KEEP=1; shift ;;
      --list) printf '%s\n' "${SCENARIOS[@]}"; exit 0 ;;
      -h | --help) sed -n "${HARNESS_HELP}p" "$0"; exit 0 ;;
      -*) echo "FAIL: unknown option $1" >&2; exit 1 ;;
      *) SC=$1; shift ;;
    esac
  done
  if [ -z "$SC" ]; then
    echo "FAIL: no scenario given (--list shows them)" >&2
    exit 1
  fi
  local s known=0
  for s in "${SCENARIOS[@]}"; do [ "$s" = "$SC" ] && known=1; done
  if [ $known = 0 ]; then
    echo "FAIL $SC: unknown scenario (--list shows them)" >&2
    exit 1
  fi
  # absolute before the re-exec (PATH and the working directory stay, but be explicit)
  [ -n "$GALOIS" ] || GALOIS=$(command -v galois || true)
  case $GALOIS in "" | /*) ;; *) GALOIS=$(cd "$(dirname "$GALOIS")" && pwd)/$(basename "$GALOIS") ;; esac
}

harness_only_lo() { [ -z "$(ip -o link show 2>/dev/null | awk -F': ' '$2 != "lo" {print $2}')" ]; }

harness_netns() { # SCRIPT WHY
  local script=$1 why=$2 t
  if [ "${GALOIS_HARNESS_NETNS:-}" != 1 ] || ! harness_only_lo; then
    if [ "$(id -u)" != 0 ]; then
      echo "FAIL $SC: needs root ($why); running as uid $(id -u)"
      exit 1
    fi
    for t in unshare ip; do
      if ! command -v $t >/dev/null; then
        echo "FAIL $SC: '$t' not found (packages util-linux, iproute2)"
        exit 1
      fi
    done
    # shellcheck disable=SC2016
    GALOIS_HARNESS_NETNS=1 exec unshare --net -- /bin/bash -c 'ip link set lo up && exec "$@"' \
      netns /bin/bash "$script" "${ORIG_ARGS[@]}"
    echo "FAIL $SC: unshare --net failed (is this a container without CAP_SYS_ADMIN?)"
    exit 1
  fi
  if ! ip -o addr show dev lo | grep -q 'inet 127.0.0.1/'; then
    echo "FAIL $SC: lo in the network namespace has no 127.0.0.1"
    exit 1
  fi
}

elapsed() { awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN { printf "%.2f", a - b }'; }
say() { printf '[%6ss] %s\n' "$(elapsed)" "$*"; }

kill_tree() { # pid: the process and all its children, by pid
  local p=$1 c
  for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do kill_tree "$c"; done
  kill -TERM "$p" 2>/dev/null
}

stop_pid() { # pid [seconds]
  local p=$1 n=$((${2:-3} * 10))
  kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null
  while [ $n -gt 0 ] && kill -0 "$p" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
  kill -0 "$p" 2>/dev/null && kill_tree "$p" && sleep 0.2 && kill -KILL "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  return 0
}

cleanup() {
  local p
  for p in "${PIDS[@]}"; do stop_pid "$p" 2; done
  PIDS=()
  if declare -F harness_cleanup >/dev/null; then harness_cleanup; fi
}

harness_ready() { # NAME
  if [ ${#FAILS[@]} -gt 0 ]; then
    echo "FAIL $SC: ${FAILS[*]}"
    exit 1
  fi
  R=$(mktemp -d "${TMPDIR:-/tmp}/galois-$1-$SC.XXXXXX")
  T0=$(date +%s.%N)
  trap cleanup EXIT
  trap 'cleanup; echo "FAIL $SC: interrupted (run dir $R)"; exit 1' INT TERM
}

harness_end() {
  cleanup
  local wall
  wall=$(elapsed)
  if [ ${#FAILS[@]} -eq 0 ]; then
    echo "PASS $SC (${wall%.*}s wall)"
    if [ "$KEEP" = 1 ]; then echo "run dir: $R"; else rm -rf "$R"; fi
    exit 0
  fi
  echo "FAIL $SC (${wall%.*}s wall, run dir $R):"
  printf '  - %s\n' "${FAILS[@]}"
  exit 1
}
