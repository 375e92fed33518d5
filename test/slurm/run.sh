#!/usr/bin/env bash
# Starts a private single-node Slurm on localhost (munged, slurmctld, slurmd from Debian's slurm-wlm and munge,
# configured in a temporary directory, ports 16817/16818), submits a screen as a 2-task job array plus the
# dependent merge with scripts/slurm/submit-screen.sh, waits, and leaves the merged rows in $1/screen.json.
# Exit 77 (with the reason on stderr) when Slurm cannot start here; always stops what it started.
set -euo pipefail
out="${1:?output dir}"; shift
for b in munged slurmctld slurmd sbatch; do command -v "$b" >/dev/null || { echo "skip: $b not installed (apt-get install slurm-wlm munge)" >&2; exit 77; }; done
[[ $(id -u) -eq 0 ]] || { echo "skip: a private slurmd must run as root here" >&2; exit 77; }
D="$(mktemp -d /tmp/hl-slurm.XXXXXX)"
cleanup() {
  for p in slurmd slurmctld munge/munged; do [[ -f "$D/$p.pid" ]] && kill "$(cat "$D/$p.pid")" 2>/dev/null || true; done
  sleep 1; rm -rf "$D"
}
trap cleanup EXIT
mkdir -p "$D/state" "$D/spool" "$D/munge"; chmod 700 "$D/munge"
dd if=/dev/urandom of="$D/munge.key" bs=1 count=1024 2>/dev/null; chmod 600 "$D/munge.key"
munged --force --socket="$D/munge/munge.sock" --key-file="$D/munge.key" --pid-file="$D/munge/munged.pid" \
  --log-file="$D/munge/munged.log" --seed-file="$D/munge/munged.seed" 2>/dev/null || { echo "skip: munged did not start" >&2; exit 77; }
cat > "$D/slurm.conf" <<CONF
ClusterName=heterolab-test
SlurmctldHost=localhost
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.sock
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmdSpoolDir=$D/spool
StateSaveLocation=$D/state
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
NodeName=localhost CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=60 State=UP
CONF
export SLURM_CONF="$D/slurm.conf"
slurmctld -f "$SLURM_CONF" || { echo "skip: slurmctld did not start: $(tail -3 "$D/slurmctld.log" 2>/dev/null)" >&2; exit 77; }
slurmd -f "$SLURM_CONF" -N localhost || { echo "skip: slurmd did not start: $(tail -3 "$D/slurmd.log" 2>/dev/null)" >&2; exit 77; }
for _ in $(seq 1 30); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o %T | grep -q idle || { echo "skip: the Slurm node did not become idle: $(tail -3 "$D/slurmd.log")" >&2; exit 77; }
timeout 600 bash "$(dirname "$0")/../../scripts/slurm/submit-screen.sh" 2 "$out" --wait -- "$@"
