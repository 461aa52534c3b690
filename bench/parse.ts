/**
 * Section `parse`: file parse throughput of the io module (issue: ≥ 1 GB/s for a large .npy, essentially zero-copy;
 * MB/s of output for a compressed .npz), on files made in memory with our own writers, so no disk time is counted.
 */
import { readTrajectoryFile, writeNpy, writeNpz } from '../src/io/index';
import { emit, log, median, quick, timeIt, type Metric } from './common';

const metrics: Metric[] = [];

// .npy: T × N float32, 256 MiB (quick: 32 MiB)
const T = 256, N = quick ? 32_768 : 262_144;
const data = new Float32Array(T * N);
for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 1e-3);
const npy = writeNpy({ dtype: 'float32', shape: [T, N], data });
log(`npy: ${T} × ${N} float32, ${(npy.byteLength / 2 ** 20).toFixed(0)} MiB`);
const tNpy = median(timeIt(() => readTrajectoryFile('big.npy', npy), { warmup: 1, minReps: 3 }));
metrics.push({ id: 'parse.npy', label: `parse .npy ${(npy.byteLength / 2 ** 20).toFixed(0)} MiB → Trajectory`, value: tNpy, unit: 'ms' });
metrics.push({ id: 'parse.npy.rate', label: 'parse .npy throughput (goal ≥ 1 GB/s)', value: npy.byteLength / 1e6 / tNpy, unit: 'GB/s', note: 'includes the NaN/Inf scan' });

// .npz deflate: a smaller trajectory (inflate dominates)
const Tz = 128, Nz = quick ? 16_384 : 131_072;
const zdata = data.subarray(0, Tz * Nz);
const npz = writeNpz({
  kind: 'trajectory', source: 'z.npz', runs: 1, T: Tz, N: Nz, data: zdata, metrics: {},
  params: [{ name: 'w', shape: [Nz], offset: 0, size: Nz }],
}, { compress: true });
log(`npz: ${Tz} × ${Nz} float32 deflated to ${(npz.byteLength / 2 ** 20).toFixed(1)} MiB`);
const tNpz = median(timeIt(() => readTrajectoryFile('z.npz', npz), { warmup: 1, minReps: 3 }));
const outMB = (Tz * Nz * 4) / 1e6;
metrics.push({ id: 'parse.npz', label: `parse deflated .npz (${outMB.toFixed(0)} MB out)`, value: tNpz, unit: 'ms' });
metrics.push({ id: 'parse.npz.rate', label: 'parse deflated .npz, output throughput', value: (outMB / tNpz) * 1000, unit: 'MB/s', note: 'fflate inflate' });

emit('parse', metrics, { npyBytes: npy.byteLength, npzBytes: npz.byteLength });
