#!/usr/bin/env bash
# The committed reference of the `quick` experiment on the simulated world (results/reference/quick/:
# experiment.json and runs/*/run.json, all that `autodiff compare` reads).
#
#   bash scripts/quick-reference.sh check    # run quick afresh (cache off) and compare it with the reference
#   bash scripts/quick-reference.sh update   # run quick afresh (cache off) and make it the new reference
#
# `check` exits 1 when a cell regressed beyond compare's tolerances (accuracy drop > 1 pt, calls or tokens
# rise > 5%) or a cell is missing. Update the reference ON PURPOSE only, when a change of behaviour is
# intended (a sim recalibration, a method change), and commit it with that change.
# The cache is off so a warm cache can never hide a change of the simulated world.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
if [[ "$mode" != check && "$mode" != update ]]; then
  echo "usage: bash scripts/quick-reference.sh check|update" >&2
  exit 2
fi
reference=results/reference/quick
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node packages/runner/bin/autodiff.mjs repro quick --results "$work" --cache off
fresh="$work/quick"
if [[ "$mode" == check ]]; then
  node packages/runner/bin/autodiff.mjs compare "$reference" "$fresh"
  exit $?
fi
staged="$work/reference"
mkdir -p "$staged/runs"
cp "$fresh/experiment.json" "$staged/"
for run in "$fresh"/runs/*/; do
  id="$(basename "$run")"
  [[ -f "$run/run.json" ]] || { echo "run $id has no run.json: not a finished run" >&2; exit 1; }
  mkdir -p "$staged/runs/$id"
  cp "$run/run.json" "$staged/runs/$id/"
done
rm -rf "$reference"
mkdir -p "$(dirname "$reference")"
mv "$staged" "$reference"
echo "reference updated: $reference ($(ls "$reference/runs" | wc -l) runs); review with git diff --stat and commit it"
