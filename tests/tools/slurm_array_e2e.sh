#!/usr/bin/env bash
# Starts a private single-node Slurm (munged, slurmctld, slurmd) under WORK, submits
# tools/slurm/generate-array.sh as a 4-task job array, merges the shards into
# WORK/out/dataset, and stops every daemon it started. Run by slurm_test (CTest label
# "slurm"); the test compares the result with a one-machine run.
#
# Usage: slurm_array_e2e.sh SILT_BINARY SOURCE_DIR WORK CLIPS SEED CLIPS_PER_TAR
#          [silt generate args...]
# Exit 77: Slurm or munge is not installed or this is not root (the test skips, saying so).
set -euo pipefail
silt=$1 src=$2 work=$3 clips=$4 seed=$5 per_tar=$6
shift 6

for tool in munged slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || { echo "missing $tool (install slurm-wlm and munge)"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "a private Slurm needs root here"; exit 77; }

rm -rf "$work"
mkdir -p "$work"/{munge,state,spool,log,out}
node=$(hostname -s)
# Ports of our own, so a system Slurm or a parallel test run does not collide.
base=$((20000 + ($$ % 20000)))

cleanup() {
  for pid_file in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/munged.pid; do
    [ -s "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null || true
  done
}
trap cleanup EXIT

# munge: a fresh key and socket of our own.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
chmod 700 "$work/munge"
setsid munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/seed" </dev/null

export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=silttest
SlurmctldHost=$node
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$node CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=silt Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

setsid slurmctld -c </dev/null
setsid slurmd -c </dev/null
for _ in $(seq 1 60); do
  state=$(sinfo -h -n "$node" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || { echo "node never became idle (state '$state')"; tail -20 "$work"/log/*.log; exit 1; }

export OUT=$work/out CLIPS=$clips SEED=$seed SILT=$silt
if ! sbatch --wait --array=0-3 --cpus-per-task=1 --output="$work/log/task-%a.log" \
      "$src/tools/slurm/generate-array.sh" --clips-per-tar "$per_tar" "$@"; then
  echo "the job array failed"; tail -n 20 "$work"/log/task-*.log "$work"/log/slurmd.log; exit 1
fi
"$silt" merge "$OUT/dataset" "$OUT"/parts/shard-* --clips-per-tar "$per_tar"
