#!/usr/bin/env bash
# `make models`: train the demo model from datasets/ and write its card, models/README.md.
# Debug binaries, like the test that checks that models/ regenerates (TrainScoreTests).
set -euo pipefail
# One BLAS thread: more threads sum in another order and change the last bits of the model.
export OPENBLAS_NUM_THREADS=1
bin=${1:?usage: model-card.sh BIN_DIR [OUT_DIR]}
out=$(realpath -m "${2:-models}")
cd "$(dirname "$0")/.."
mkdir -p "$out"
train=(--input datasets/train-ecs.ndjson.gz --timezone Europe/Berlin --seed 1)
"$bin/geospike-train" "${train[@]}" --out "$out/demo.gsm" --quiet 2>/dev/null
inspect=$("$bin/geospike-train" inspect "$out/demo.gsm")
backtest=$("$bin/geospike-eval" backtest --model "$out/demo.gsm" --input datasets/batch-clean-ecs.ndjson.gz \
    --until 2026-10-06T00:00:00Z 2>/dev/null)
{
    cat <<TXT
# models/demo.gsm

The demo model: \`geospike-train ${train[*]} --out models/demo.gsm\`
(regenerate with \`make models\`; a test fails when this file or the model differ from what
that command produces). Trained on four weeks of synthetic ECS network events of one
organisation (office in Europe/Berlin, 40 destination countries; see datasets/README.md).

## What the model learnt (\`geospike-train inspect models/demo.gsm\`)

\`\`\`
${inspect}
\`\`\`

## False alerts on the next, clean day (\`geospike-eval backtest\`)

\`\`\`
${backtest}
\`\`\`
TXT
} > "$out/README.md"
