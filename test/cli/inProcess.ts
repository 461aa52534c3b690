/** Runs `koopscope ARGV…` in-process through main() (src/cli/main.ts) and collects what it printed. */
import { main } from '../../src/cli/main';

export interface CliResult { code: number; out: string; err: string }

export async function cli(...argv: string[]): Promise<CliResult> {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
