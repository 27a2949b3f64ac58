#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for hcbench's end-to-end test of
# `hcbench slurm` (report/cluster): Debian's slurmctld, slurmd and munge, run
# as root, state in $HCBENCH_SLURM_DIR (default /tmp/hcbench-slurm), one
# node with CPUs=2 in a default partition.
#
#   scripts/slurm-local.sh start   # prints the SLURM_CONF line to export
#   scripts/slurm-local.sh stop    # stops what start started
#   scripts/slurm-local.sh status
#
# Needs root and the packages: apt-get install -y slurmctld slurmd slurm-client munge
set -euo pipefail
dir=${HCBENCH_SLURM_DIR:-/tmp/hcbench-slurm}
conf=$dir/slurm.conf
host=$(hostname -s)

need() { command -v "$1" >/dev/null || { echo "slurm-local: $1 not found: apt-get install -y slurmctld slurmd slurm-client munge" >&2; exit 1; }; }

start() {
  [ "$(id -u)" = 0 ] || { echo "slurm-local: must run as root (SlurmUser=root)" >&2; exit 1; }
  need slurmctld; need slurmd; need sbatch; need munged
  mkdir -p "$dir/state" "$dir/spool" /etc/munge /run/munge /var/lib/munge /var/log/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  chmod 0400 /etc/munge/munge.key
  chmod 0700 /etc/munge
  if ! munge -n >/dev/null 2>&1; then
    runuser -u munge -- munged --force
    touch "$dir/munged.ours"
  fi
  cat >"$conf" <<CONF
ClusterName=hcbench
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobRequeue=1
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$conf
  if ! scontrol ping >/dev/null 2>&1 || ! scontrol ping 2>/dev/null | grep -q UP; then
    slurmctld -f "$conf"
    slurmd -f "$conf"
  fi
  for _ in $(seq 60); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "export SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.5
  done
  echo "slurm-local: the node did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
  exit 1
}

stop() {
  for d in slurmd slurmctld; do
    if [ -s "$dir/$d.pid" ]; then kill "$(cat "$dir/$d.pid")" 2>/dev/null || true; rm -f "$dir/$d.pid"; fi
  done
  if [ -e "$dir/munged.ours" ] && [ -s /run/munge/munged.pid ]; then
    kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
    rm -f "$dir/munged.ours"
  fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) SLURM_CONF=$conf sinfo ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
