/**
 * Errors of the command line, mapped by class (main.ts): a `UserError` (src/linalg/errors.ts: bad file, bad option,
 * data the options cannot fit; `UsageError` below is the command line's own) is printed as one line on stderr with
 * exit status 2, never a stack trace. Anything else is a bug in koopscope: exit 1 with one line
 * "internal error: …" (stack with KOOPSCOPE_DEBUG=1).
 */
import { oneLine, UserError } from '../linalg/errors';

export { oneLine, UserError };

/** A mistake on the command line itself: unknown command, missing or malformed flag, unreadable path. */
export class UsageError extends UserError {
  override name = 'UsageError';
  constructor(message: string) {
    super('usage', message);
  }
}
