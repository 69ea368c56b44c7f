#!/usr/bin/env bash
# Measures each deviation switch of the README's "Deviations from the reference" on the SIMULATED model:
# short runs, our default vs the reference's value, same seeds. Usage: bash benchmarks/deviations-sim.sh OUT_DIR
# then: npx tsx benchmarks/deviations-summary.ts OUT_DIR
set -euo pipefail
out=${1:?usage: deviations-sim.sh OUT_DIR}
mkdir -p "$out"
cli="node $(dirname "$0")/../packages/runner/bin/autodiff.mjs train --quiet"
SEEDS=${SEEDS:-"1 2 3"}
OC="--task object-count --val 50 --test 50 --steps 6"
TREC="--task trec --train 60 --val 60 --test 60"
HV="--task hotpot --pipeline hotpot-vanilla --train 40 --val 30 --test 30 --steps 4"
HC="--task hotpot --pipeline hotpot-cycle --train 40 --val 30 --test 30 --steps 4"
DEMO_OC="--steps 0 --demo-steps 4 --set gdpo.demos.bootstrapShots=4,gdpo.demos.rawShots=2,gdpo.demos.teacherInputs=true"
run() { # name, flags...
  local name=$1; shift
  for s in $SEEDS; do
    local f="$out/$name.seed$s"
    [ -f "$f.json" ] && continue
    $cli "$@" --seed "$s" --cache "$f.sqlite" --out "$f.json" >/dev/null
    rm -f "$f.sqlite" "$f.ckpt.json"
  done
}
run oc-default $OC
run oc-history3 $OC --history 3
run oc-failed-reference $OC --failed-rendering reference
run oc-parse-raw $OC --on-parse-failure raw
run oc-parser-reference $OC --parser reference
run oc-no-techniques $OC --ablation noPromptTechniques
run oc-no-feedback-text $OC --ablation noFeedbackText
run oc-no-history $OC --ablation noHistory
run oc-no-early-stop $OC --set trainer.earlyStopValidation=false
run oc-demo $OC $DEMO_OC
run trec-demo $TREC --steps 0 --demo-steps 4
run hv-paper $HV
run hv-accounting-reference $HV --accounting reference
run hc-paper $HC
run hc-accounting-reference $HC --accounting reference
