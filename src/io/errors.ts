/**
 * Errors of the `io` module. Every failure to read a file is a `TrajectoryFileError` (or a subclass named after the
 * module that raised it) whose message starts with `${file}: ` and says what is wrong in plain words, and whose
 * string `code` lets the app and tests branch without parsing messages. `name` is a title for an error dialog.
 * All are `UserError`s (src/linalg/errors.ts): a bad file is the user's to fix, never an internal error.
 */

import { UserError } from '../linalg/errors';

/** Machine-readable reasons. Messages are for people; codes are for code. */
export type IoErrorCode =
  | 'empty'               // zero-byte file
  | 'truncated'           // the file ends before the data its header promises
  | 'unknown-format'      // no known magic bytes
  | 'text'                // a text file that is not our JSON schema
  | 'pytorch-pickle'      // torch.save output or another pickle: never unpickled
  | 'bad-header'          // unparseable or inconsistent header
  | 'bad-shape'           // shape that is negative, not an integer, overflowing or larger than the data
  | 'unsupported-dtype'   // strings, objects, structured, float8, …
  | 'bad-zip'             // corrupt zip structure, CRC mismatch, encrypted, unsupported compression
  | 'too-large'           // decompressed size above `maxDecompressedBytes`, or too large to write
  | 'bad-json'            // not valid JSON or not our schema
  | 'layout'              // arrays that do not form a trajectory (time axes disagree, …)
  | 'too-few-snapshots'   // fewer than 3 snapshots
  | 'non-finite'          // NaN or ±Infinity in the weights
  | 'selection'           // `params` / `every` options that select nothing or name unknown parameters
  | 'write';              // invalid input to a writer

export class TrajectoryFileError extends UserError {
  override readonly code: IoErrorCode;
  /** The file name as given by the caller, used as the prefix of `message`. */
  readonly file: string;
  override name = 'Error loading trajectory file.';
  constructor(file: string, code: IoErrorCode, problem: string) {
    super(code, `${file}: ${problem}`);
    this.file = file;
    this.code = code;
  }
}

export class NpyError extends TrajectoryFileError {
  override name = 'Error loading NumPy .npy file.';
}

export class NpzError extends TrajectoryFileError {
  override name = 'Error loading NumPy .npz file.';
}

export class SafetensorsError extends TrajectoryFileError {
  override name = 'Error loading Safetensors file.';
}

export class JsonTrajectoryError extends TrajectoryFileError {
  override name = 'Error loading JSON trajectory.';
}
