#!/usr/bin/env bash
# One task of a Slurm job array that generates a Silt dataset in shards; see docs/scale-out.md.
#
#   export OUT=/shared/datasets/sand CLIPS=10000 SEED=0
#   job=$(sbatch --parsable --array=0-15 tools/slurm/generate-array.sh --frames 49)
#   sbatch --dependency=afterok:$job --wrap "silt merge $OUT/dataset $OUT/parts/shard-*"
#
# Task k generates clips i with i % ARRAY_SIZE == k into $OUT/parts/shard-<k> (silt reads
# SLURM_ARRAY_TASK_ID, _MIN and _COUNT itself). A task that fails or is preempted is simply
# resubmitted (sbatch --array=<k> …): it keeps the clips it completed and makes the rest.
# Extra arguments go to `silt generate` (--scene, --frames, --width, --height, --jobs …).
#SBATCH --job-name=silt-generate
#SBATCH --cpus-per-task=4
#SBATCH --output=silt-generate-%A_%a.log
#SBATCH --requeue
set -euo pipefail

: "${OUT:?set OUT to a folder on a filesystem every node sees}"
: "${SLURM_ARRAY_TASK_ID:?submit this script with sbatch --array=0-<N-1>}"
SILT=${SILT:-silt}
CLIPS=${CLIPS:-100}
SEED=${SEED:-0}

task=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0}))
exec "$SILT" generate --clips "$CLIPS" --seed "$SEED" \
  --threads "${SLURM_CPUS_PER_TASK:-0}" \
  --out "$OUT/parts/shard-$(printf '%04d' "$task")" "$@"
