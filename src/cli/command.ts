/**
 * The preamble every `koopscope COMMAND` shares: parse its flags (node:util parseArgs, positionals allowed) plus
 * `--help`/`-h`, print the command's usage for --help, and turn the engine's user errors into usage errors (status 2,
 * one line; main.ts maps them).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, UserError } from './errors';
import type { Io } from './main';

const HELP = { help: { type: 'boolean', short: 'h' } } as const;
type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `args` parsed with `options` and --help. With --help, prints `usage` on `io` and returns undefined (the command
 * then exits 0); parseArgs' own errors (unknown flag, missing value) propagate for main.ts to report.
 */
export function commandArgs<O extends Options>(args: string[], options: O, usage: string, io: Io) {
  const parsed = parseArgs({ args, options: { ...options, ...HELP } as O & typeof HELP, allowPositionals: true });
  if ((parsed.values as { help?: boolean }).help) { io.out(usage); return undefined; }
  return parsed;
}

/** `f()`, with a UserError from the engine re-thrown as a UsageError whose message is `prefix` + its message. */
export function asUsage<T>(f: () => T, prefix = ''): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UserError) throw new UsageError(prefix + e.message);
    throw e;
  }
}
