#!/usr/bin/env bash
# A real single-node Slurm on this machine, for trying `gradsweep slurm --submit`
# and for the integration test in .ci/run.
#
#   scripts/slurm-local.sh start    # install if missing, start, wait until usable
#   scripts/slurm-local.sh status   # which daemons run, does the controller answer
#   scripts/slurm-local.sh stop     # stop exactly the daemons `start` started
#
# `start` prints one line on stdout, `export SLURM_CONF=...`, so
#   eval "$(scripts/slurm-local.sh start)"
# sets up the current shell; progress and errors go to stderr.
#
# Debian's packages (slurmctld, slurmd, slurm-client, munge; installed with
# apt-get when missing), daemons run as plain background processes (no systemd),
# everything -- munge key and socket, slurm.conf, state, spool, logs, pid files --
# under one folder: $GRADSWEEP_SLURM_DIR (default /tmp/gradsweep-slurm). Needs root:
# slurmd must be root to start jobs, and the install needs apt-get.
#
# Settings (environment): GRADSWEEP_SLURM_DIR, GRADSWEEP_SLURM_PORT (controller
# port, default 26817; slurmd uses the next one), GRADSWEEP_SLURM_WAIT (seconds to
# wait for each readiness check, default 60).
set -euo pipefail

DIR=${GRADSWEEP_SLURM_DIR:-/tmp/gradsweep-slurm}
CTLD_PORT=${GRADSWEEP_SLURM_PORT:-26817}
SLURMD_PORT=$((CTLD_PORT + 1))
WAIT=${GRADSWEEP_SLURM_WAIT:-60}
CONF="$DIR/etc/slurm.conf"
SOCKET="$DIR/munge/munge.socket"
PIDS="$DIR/pids"
DAEMONS=(munged slurmctld slurmd)

say() { echo "slurm-local: $*" >&2; }
die() { say "error: $*"; exit 1; }

# --- processes, by recorded pid only -------------------------------------------
# Each daemon's pid and its start time (field 22 of /proc/PID/stat) are recorded
# when it is started, so a pid reused by another process is never taken for ours.
# A daemon that died but was not reaped (its parent, the shell that started it, is
# gone) stays a zombie: state Z counts as stopped, which `kill -0` would not see.

# start_time PID: field 22 of /proc/PID/stat (the comm field may contain spaces).
start_time() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; set -- $s; echo "${20}"; }
proc_state() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; set -- $s; echo "$1"; }

# recorded_pid NAME: the pid recorded for NAME if that very process is alive.
recorded_pid() {
  local file="$PIDS/$1" pid started state
  [[ -f $file ]] || return 1
  read -r pid started < "$file" || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ "$(start_time "$pid")" == "$started" ]] || return 1
  state=$(proc_state "$pid") || return 1
  [[ $state != Z && $state != X ]] || return 1
  echo "$pid"
}

# launch NAME LOG CMD...: start CMD in the background (stdin closed, output to LOG,
# so no caller's pipe is held open) and record its pid.
launch() {
  local name=$1 log=$2; shift 2
  "$@" < /dev/null >> "$log" 2>&1 &
  local pid=$!
  echo "$pid $(start_time "$pid")" > "$PIDS/$name"
}

stop_one() {
  local name=$1 pid i
  if pid=$(recorded_pid "$name"); then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do  # up to 10 s for a clean shutdown
      recorded_pid "$name" > /dev/null || break
      sleep 0.1
    done
    if recorded_pid "$name" > /dev/null; then
      say "$name (pid $pid) did not stop in 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$PIDS/$name"
}

# --- installing ------------------------------------------------------------------
install_if_missing() {
  local missing=() tool
  for tool in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol; do
    command -v "$tool" > /dev/null || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) && return 0
  say "missing ${missing[*]}: installing Debian's slurmctld slurmd slurm-client munge"
  command -v apt-get > /dev/null || die "cannot install Slurm: apt-get not found (install slurmctld, slurmd, slurm-client and munge with this system's package manager)"
  [[ $(id -u) == 0 ]] || die "cannot install Slurm: apt-get needs root (run as root, or install slurmctld slurmd slurm-client munge first)"
  local log="${TMPDIR:-/tmp}/gradsweep-slurm-apt.$$.log" t0=$SECONDS
  if ! DEBIAN_FRONTEND=noninteractive apt-get update -q > "$log" 2>&1; then
    tail -n 15 "$log" >&2
    die "cannot install Slurm: 'apt-get update' failed (output above, full log $log)"
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    slurmctld slurmd slurm-client munge >> "$log" 2>&1; then
    tail -n 15 "$log" >&2
    die "cannot install Slurm: 'apt-get install slurmctld slurmd slurm-client munge' failed (output above, full log $log)"
  fi
  for tool in munged slurmctld slurmd sbatch; do
    command -v "$tool" > /dev/null || die "cannot install Slurm: '$tool' still missing after apt-get install (log $log)"
  done
  rm -f "$log"
  say "installed in $((SECONDS - t0)) s"
}

# --- configuration -----------------------------------------------------------------
write_config() {
  local host=$1 memory
  # The node's memory as slurmd itself measures it; configuring more would drain the node.
  memory=$(slurmd -C 2> /dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n 1)
  [[ -n $memory ]] || memory=1000
  cat > "$CONF" << EOF
# Written by gradsweep's scripts/slurm-local.sh: a one-node test cluster.
ClusterName=gradsweep
# The address is given so that a host name that does not resolve cannot break clients.
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
# No cgroups, no accounting database: plain process tracking.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# Schedule at once (the defaults wait seconds between array waves); keep finished
# jobs visible to squeue for 10 minutes so a poller sees their final state.
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MinJobAge=600
InactiveLimit=0
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

# port_in_use PORT: something listens on TCP PORT (IPv4 or IPv6), from /proc/net.
port_in_use() {
  local hex
  hex=$(printf ':%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$hex" '$2 ~ p"$" && $4 == "0A" { found = 1 } END { exit !found }'
}

# --- readiness ---------------------------------------------------------------------
# wait_for WHAT CMD...: run CMD every 0.2 s until it succeeds, at most $WAIT s.
wait_for() {
  local what=$1 deadline=$((SECONDS + WAIT)); shift
  until "$@" > /dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      say "$what: not ready after $WAIT s; last lines of the logs:"
      tail -n 5 "$DIR"/log/*.log >&2 2>/dev/null || true
      return 1
    fi
    for name in "${DAEMONS[@]}"; do
      if [[ -f $PIDS/$name ]] && ! recorded_pid "$name" > /dev/null; then
        say "$name exited; last lines of its log:"
        tail -n 15 "$DIR/log/$name.log" >&2 2>/dev/null || true
        return 1
      fi
    done
    sleep 0.2
  done
}
munge_round_trip() { munge -n --socket="$SOCKET" | unmunge --socket="$SOCKET"; }
controller_answers() { SLURM_CONF=$CONF scontrol ping | grep -q ' is UP'; }
node_idle() { [[ "$(SLURM_CONF=$CONF sinfo -h -n "$1" -o %t)" == idle ]]; }

# --- commands ----------------------------------------------------------------------
start() {
  local running=0 name host t0=$SECONDS
  for name in "${DAEMONS[@]}"; do recorded_pid "$name" > /dev/null && running=$((running + 1)); done
  if ((running == ${#DAEMONS[@]})) && controller_answers; then
    say "already running (folder $DIR)"
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  if ((running > 0)); then
    say "some daemons of an earlier start are still running; restarting all of them"
    stop
  fi
  [[ $(id -u) == 0 ]] || die "must run as root: slurmd starts jobs as their user, and the test cluster's SlurmUser is root"
  install_if_missing
  local port
  for port in "$CTLD_PORT" "$SLURMD_PORT"; do
    if port_in_use "$port"; then
      die "TCP port $port is already in use (another Slurm, or a cluster started with another GRADSWEEP_SLURM_DIR?); stop it or choose other ports with GRADSWEEP_SLURM_PORT"
    fi
  done
  host=$(hostname -s 2>/dev/null || uname -n)
  host=${host%%.*}
  [[ -n $host ]] || die "cannot tell this machine's host name (hostname -s and uname -n printed nothing)"

  # A fresh cluster on every start: no jobs carried over from an earlier one.
  rm -rf "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/run" "$DIR/munge"
  mkdir -p "$DIR/etc" "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/run" "$DIR/munge" "$PIDS"
  chmod 755 "$DIR"
  chmod 700 "$DIR/munge"
  # munged refuses a key that others can read; use the key the package created, or a new one.
  if [[ -r /etc/munge/munge.key ]]; then
    cp /etc/munge/munge.key "$DIR/munge/munge.key"
  else
    dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
  fi
  chmod 600 "$DIR/munge/munge.key"
  write_config "$host"

  # munged as root needs --force (it expects its own user); its own key, socket and seed.
  launch munged "$DIR/log/munged.log" munged --foreground --force \
    --socket="$SOCKET" --key-file="$DIR/munge/munge.key" --pid-file="$DIR/run/munged.pid" \
    --seed-file="$DIR/munge/munged.seed" --log-file="$DIR/log/munged.log"
  wait_for "munge (credential round trip)" munge_round_trip || { stop; die "munged did not start"; }

  # -D: stay in the foreground (its pid is the one recorded); -c -i: ignore any old state.
  launch slurmctld "$DIR/log/slurmctld.stdout" env SLURM_CONF="$CONF" slurmctld -D -c -i -f "$CONF"
  wait_for "slurmctld (scontrol ping)" controller_answers || { stop; die "slurmctld did not start"; }
  launch slurmd "$DIR/log/slurmd.stdout" env SLURM_CONF="$CONF" slurmd -D -N "$host" -f "$CONF"
  wait_for "slurmd (node $host idle in sinfo)" node_idle "$host" || { stop; die "slurmd did not register its node"; }

  say "up in $((SECONDS - t0)) s: munged, slurmctld, slurmd (pids in $PIDS, logs in $DIR/log)"
  echo "export SLURM_CONF=$CONF"
}

stop() {
  local name i
  # Reverse order: jobs' daemon first, controller, then authentication.
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do stop_one "${DAEMONS[i]}"; done
}

status() {
  local name pid up=0
  for name in "${DAEMONS[@]}"; do
    if pid=$(recorded_pid "$name"); then
      echo "$name: running (pid $pid)"; up=$((up + 1))
    else
      echo "$name: stopped"
    fi
  done
  if ((up == ${#DAEMONS[@]})) && controller_answers; then
    SLURM_CONF=$CONF sinfo
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status   (folder: \$GRADSWEEP_SLURM_DIR, default /tmp/gradsweep-slurm)" >&2; exit 2 ;;
esac
