/**
 * The `io` module: reading weight trajectories (.npy, .npz, .safetensors, JSON) and eigenvalue files, writing
 * .npz/.npy. Spectra are exported by src/koopman (report.ts, csv.ts): io sits below koopman. Pure TypeScript (ES2022
 * only; no DOM, no Node). Formats and layout rules: docs/file-formats.md.
 */

export type { BlobLike, ByobReader, EigenvalueSets, ParamEntry, ReadOptions, Trajectory } from './types';
export type { DtypeName, NdArray } from './dtype';
export type { IoErrorCode } from './errors';
export type { NpyInput } from './npy';
export type { NpzContents, NpzOptions } from './npz';
export type { SafetensorsContents } from './safetensors';
export type { FileFormat } from './read';
export type { WriteNpzOptions } from './write';

export { TrajectoryFileError, NpyError, NpzError, SafetensorsError, JsonTrajectoryError } from './errors';
export { readTrajectoryFile, readBlob, sniffFormat, BLOB_CHUNK_BYTES } from './read';
export { readNpy, writeNpy } from './npy';
export { readNpz, DEFAULT_MAX_DECOMPRESSED_BYTES } from './npz';
export { readSafetensors } from './safetensors';
export { writeNpz } from './write';
