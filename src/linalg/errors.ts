/**
 * The error classes every layer shares, in a module with no imports so that any core module (and the command line and
 * app) can use them. Contract: a `UserError` is a problem with what the user gave (a file, an option, data that
 * cannot be fitted) that the user can fix; its `message` is one line in plain words and its `code` is stable for code
 * to branch on (control characters in it, e.g. from a file name or a corrupt header, are escaped by the constructor).
 * Anything thrown that is not a `UserError` is a bug (an invariant failed) and is reported as one:
 * the command line exits 2 with one line for a `UserError`, 1 with "internal error: …" for anything else.
 */
export class UserError extends Error {
  /** Machine-readable reason, e.g. 'bad-option', 'too-few-snapshots', or an io code such as 'truncated'. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(oneLine(message));
    this.code = code;
  }
}

/**
 * `text` as one printable line: control characters (newline, tab, escape, …, and the Unicode line separators) become
 * visible escapes such as `\n` or `\x1b`, so a file name or a header can neither split a message nor drive a terminal.
 */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** An engine option that is out of range or does not combine with the others (rank, delays, window, route, …). */
export class OptionError extends UserError {
  override name = 'OptionError';
  constructor(message: string) {
    super('bad-option', message);
  }
}

/** Data that the options cannot fit: too few snapshots, non-finite values, snapshots that do not vary. */
export type DataErrorCode = 'too-few-snapshots' | 'non-finite' | 'degenerate';

export class DataError extends UserError {
  override name = 'DataError';
  constructor(code: DataErrorCode, message: string) {
    super(code, message);
  }
}
