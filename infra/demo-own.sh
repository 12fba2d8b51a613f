#!/usr/bin/env bash
# make demo-own: the whole chain on a user's own files, described by a dataset spec.
#   [POLICY=policy.yaml] infra/demo-own.sh DATASET REFERENCE CURRENT [WORKSPACE]
# Train (logistic regression and random forest, the better kept) on REFERENCE, promote it,
# monitor CURRENT against it, let the control plane decide, print what happened.
# WORKSPACE (default shared) is emptied first, as every demo does; the user's files are
# copied aside before that, since they may live in it.
set -euo pipefail
if [ $# -lt 3 ] || [ -z "$1" ] || [ -z "$2" ] || [ -z "$3" ]; then
  echo "usage: make demo-own DATASET=spec.yaml REFERENCE=reference.csv CURRENT=current.csv (DATASET: a name in datasets/ or a spec file like datasets/fraud.yaml)" >&2
  exit 2
fi
dataset=$1 reference=$2 current=$3 workspace=${4:-shared}
# The policy's limits (AUC floors, drift shares) are a team's own too: POLICY names another file.
policy=${POLICY:-policies/promotion.yaml}
for file in "$reference" "$current" "$policy"; do
  [ -f "$file" ] || { echo "demo-own: $file: no such file" >&2; exit 2; }
done
case "$dataset" in
  */*|*.yaml|*.yml) [ -f "$dataset" ] || { echo "demo-own: $dataset: no such file" >&2; exit 2; } ;;
esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tsx() { node --import tsx "$repo/$1" "${@:2}"; }

# The spec and both files are checked before anything is emptied: a typo costs nothing.
tsx services/training/src/checkDataCli.ts --dataset "$dataset" "$reference" "$current"

aside=$(mktemp -d)
trap 'rm -rf "$aside"' EXIT
cp "$reference" "$aside/reference.csv"
cp "$current" "$aside/current.csv"
cp "$policy" "$aside/policy.yaml"
spec=$dataset
case "$dataset" in */*|*.yaml|*.yml) cp "$dataset" "$aside/dataset.yaml"; spec=$aside/dataset.yaml ;; esac

mkdir -p "$workspace"
find "$workspace" -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
data=$workspace/data registry=$workspace/registry reports=$workspace/reports events=$workspace/events approvals=$workspace/approvals
mkdir -p "$data"
cp "$aside/reference.csv" "$data/reference.csv"
cp "$aside/current.csv" "$data/current.csv"
# The spec is kept beside the data: the summary records where it is, and the control plane reads it there.
if [ "$spec" = "$aside/dataset.yaml" ]; then cp "$spec" "$data/dataset.yaml"; spec=$data/dataset.yaml; fi
cp "$aside/policy.yaml" "$data/policy.yaml"
policy=$data/policy.yaml

tsx services/training/src/cli.ts --data "$data/reference.csv" --dataset "$spec" --model auto --registry "$registry"
tsx services/registry/src/cli.ts promote latest --stage Production --registry "$registry" --reason "initial model (demo-own)"
tsx services/monitoring/src/cli.ts --reference serving --current "$data/current.csv" --out "$reports" --dataset "$spec" --model production --registry "$registry" --policy "$policy"
status=0
tsx services/control_plane/src/cli.ts --dataset "$spec" --policy "$policy" --registry "$registry" --events "$events" --approvals "$approvals" --summary "$reports/monitoring_summary.json" || status=$?
# A control run that decided (even "failed", exit 3) has events to show; a refusal (exit 2) has none.
if [ "$status" -ne 2 ]; then
  tsx services/control_plane/src/demoSummaryCli.ts --title demo-own --events "$events" --registry "$registry" --reports "$reports" --policy "$policy"
fi
exit "$status"
