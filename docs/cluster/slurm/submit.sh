#!/bin/bash
# Queues the sweep's job array, then the merge to run once every task has succeeded.
# Run from the repository root: bash docs/cluster/slurm/submit.sh
set -euo pipefail

here=docs/cluster/slurm
mkdir -p results/sweep-10k/logs # Slurm does not create the --output directory
array=$(sbatch --parsable "${here}/sweep-array.sbatch")
array=${array%%;*} # --parsable prints "id" or "id;cluster"
merge=$(sbatch --parsable --dependency="afterok:${array}" "${here}/merge.sbatch")
echo "sweep array ${array}, merge ${merge%%;*} (after the array succeeds)"
