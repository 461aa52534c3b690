/**
 * A mistake the user can fix (bad option, missing file, unreadable data): printed as one line on stderr, exit 2,
 * never a stack trace. Anything else is a bug in koopscope: exit 1 with a one-line message (stack with
 * KOOPSCOPE_DEBUG=1).
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
