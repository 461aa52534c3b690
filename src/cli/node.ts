/** Process entry of the `koopscope` binary (bundled to dist-cli/koopscope.mjs by scripts/build-cli.mjs). */
import { main } from './main';

const code = await main(process.argv.slice(2), {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
});
process.exitCode = code;
