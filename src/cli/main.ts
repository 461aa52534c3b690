/**
 * The `koopscope` command line: a thin shell over the pure core. `main` takes the arguments and an output sink and
 * returns the exit status, so tests call it in-process; node.ts wires it to the real process.
 *
 * Exit status: 0 success, 2 user error (one line on stderr), 1 internal error. Errors are mapped by class: every
 * `UserError` (io's TrajectoryFileError, the engine's OptionError/DataError, our UsageError) is the user's to fix;
 * anything else is a bug and says so. Messages go through `oneLine`, so a name with a newline cannot split them.
 */
import * as compare from './commands/compare';
import * as demo from './commands/demo';
import * as kpflow from './commands/kpflow';
import * as lyapunov from './commands/lyapunov';
import * as reproduce from './commands/reproduce';
import * as spectrum from './commands/spectrum';
import * as train from './commands/train';
import * as watch from './commands/watch';
import * as windows from './commands/windows';
import { oneLine, UsageError, UserError } from './errors';
import { inlineNegativeValues } from './options';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

interface Command { run(args: string[], io: Io): number | Promise<number>; usage: string }

const COMMANDS: Record<string, { cmd: Command; summary: string }> = {
  spectrum: { cmd: spectrum, summary: 'the Koopman (DMD) spectrum of a weight trajectory file' },
  compare: { cmd: compare, summary: 'W1 distance between two spectra (trajectories or eigenvalue files)' },
  train: { cmd: train, summary: 'train a preset in Node and write its weight trajectory (.npz)' },
  windows: { cmd: windows, summary: 'sliding-window spectra and W1 between consecutive windows' },
  demo: { cmd: demo, summary: "the papers' small experiments (omd-ogd)" },
  reproduce: { cmd: reproduce, summary: "one of paper 1's experiments from training to verdict (--list)" },
  kpflow: { cmd: kpflow, summary: "paper 2's KPFlow operators of RNN/GRU training on memory tasks (--list)" },
  lyapunov: { cmd: lyapunov, summary: "paper 3's Lyapunov view: FTLEs of GD training, vs final loss (--list)" },
  watch: { cmd: watch, summary: 'a local server that receives snapshots from your own training and shows them live' },
};

export const VERSION = '0.1.0';

export const USAGE = `koopscope ${VERSION}: Koopman spectra of neural-network training

usage: koopscope COMMAND [options]   (koopscope COMMAND --help for its options)

commands:
${Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(10)} ${v.summary}`).join('\n')}`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') { io.out(USAGE); return name === undefined ? 2 : 0; }
    if (name === '--version' || name === '-V') { io.out(VERSION); return 0; }
    const entry = COMMANDS[name];
    if (!entry) throw new UsageError(`unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return await entry.cmd.run(inlineNegativeValues(rest), io);
  } catch (e) {
    if (e instanceof UserError) { io.err(`koopscope: ${oneLine(e.message)}`); return 2; }
    const code = (e as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      // node:util parseArgs: unknown option, missing value, …
      io.err(`koopscope: ${oneLine((e as Error).message.split('\n')[0]!)} (see koopscope ${oneLine(name ?? '')} --help)`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`koopscope: internal error: ${oneLine(msg)} (please report; KOOPSCOPE_DEBUG=1 shows details)`);
    if (process.env.KOOPSCOPE_DEBUG) io.err(String((e as Error).stack));
    return 1;
  }
}
