#!/usr/bin/env bash
# The GPU checks of this repository, in one run on a lent device machine (see README "Contributing").
# Expects the missing wheels in .whl/ (optuna and its needs; the image has torch, numpy, pandas, scipy, ...).
# Writes its logs under $OUT when set.
set -u
out=${OUT:-/tmp/device-out}
mkdir -p "$out"
if compgen -G '.whl/*.whl' >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    || exit 1
fi
export PYTHONPATH=/tmp/site:$PWD/packages/lowdata-eval/src:$PWD/packages/oa-tasks/src:$PWD/packages/ssl-objectives/src PYTHONUNBUFFERED=1
nvidia-smi -L | tee "$out/device.txt"
python3 -c "import torch, optuna; print('torch', torch.__version__, torch.cuda.get_device_name(), 'optuna', optuna.__version__)" \
  | tee -a "$out/device.txt"
python3 -m pytest packages/lowdata-eval/tests/test_gpu.py packages/lowdata-eval/tests/test_training.py \
  packages/ssl-objectives/tests/test_gpu.py \
  -q -p no:cacheprovider -rs 2>&1 | tee "$out/pytest_gpu.log"
python3 benchmarks/lp_search.py --device cuda 2>&1 | tee "$out/lp_search_cuda.txt"
python3 benchmarks/lp_search.py --device cpu --baseline-trials 1 2>&1 | tee "$out/lp_search_cpu16.txt"
python3 benchmarks/ssl_step_throughput.py --device cuda 2>&1 | tee "$out/ssl_step_throughput_cuda.txt"
python3 benchmarks/views_throughput.py --device cuda 2>&1 | tee "$out/views_throughput_cuda.txt"
# bench perf: each method's pretraining step through bench's data path vs the supervised ceiling, at the
# paper's sizes (table3: ResNet-34, 224 px views of 256 px ROIs, batch 256, bf16 + channels_last)
PYTHONPATH=$PYTHONPATH:$PWD/apps/bench/src:$PWD/packages/knee-localize/src:$PWD/packages/report-deid/src \
  python3 -m bench perf --device cuda --warmup 5 --steps 20 --repeats 3 2>&1 | tee "$out/bench_perf_cuda.txt"
cp runs/perf/perf/perf.md runs/perf/perf/perf.json "$out/" 2>/dev/null
# DDP == one big batch on CUDA (NCCL with two GPUs, else both ranks on cuda:0 through gloo)
python3 -c "import transformers" 2>/dev/null || export DDP_METHODS=moco_v2,barlow_twins,vicreg,cnn_jepa,mae
backend=gloo; [ "$(nvidia-smi -L | wc -l)" -ge 2 ] && backend=nccl
python3 benchmarks/ddp_equality_cuda.py --backend "$backend" 2>&1 | tee "$out/ddp_equality_cuda.txt"
