#!/usr/bin/env bash
# `bench perf --device cuda` on a lent GPU machine, as one prepared run (see apps/bench/README.md "bench perf").
# The paper's sizes (table3: ResNet-34, 224 px views of 256 px ROIs, batch 256, bf16 + channels_last), every
# image-only method, 5 warm-up steps, 3 x 20 timed steps. Expects the wheels the image lacks in .whl/
# (typer, rich, pydantic, tomli-w, optuna, ...); writes the table and logs under $OUT.
set -u
out=${OUT:-/tmp/device-out}
mkdir -p "$out"
if compgen -G '.whl/*.whl' >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    || exit 1
fi
src=$(printf '%s:' "$PWD"/packages/*/src "$PWD"/apps/bench/src)
export PYTHONPATH=/tmp/site:${src%:} PYTHONUNBUFFERED=1
nvidia-smi -L | tee "$out/device.txt"
cd "$out" && python3 -m bench perf --device cuda --warmup 5 --steps 20 --repeats 3 2>&1 | tee "$out/bench_perf_cuda.txt"
cp "$out"/runs/perf/perf/perf.md "$out"/runs/perf/perf/perf.json "$out"/ 2>/dev/null
rm -rf "$out/runs"
