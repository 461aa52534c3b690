/**
 * Errors of the command line, mapped by class (main.ts): a `UserError` (src/linalg/errors.ts: bad file, bad option,
 * data the options cannot fit; `UsageError` below is the command line's own) is printed as one line on stderr with
 * exit status 2, never a stack trace. Anything else is a bug in koopscope: exit 1 with one line
 * "internal error: …" (stack with KOOPSCOPE_DEBUG=1).
 */
import { UserError } from '../linalg/errors';

export { UserError };

/** A mistake on the command line itself: unknown command, missing or malformed flag, unreadable path. */
export class UsageError extends UserError {
  override name = 'UsageError';
  constructor(message: string) {
    super('usage', message);
  }
}

/**
 * `text` as one printable line: control characters (newline, tab, escape, …, and the Unicode line separators) become
 * visible escapes such as `\n` or `\x1b`, so a file name can neither split a message nor drive the terminal.
 */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
