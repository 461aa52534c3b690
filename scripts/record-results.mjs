#!/usr/bin/env node
/**
 * Records `koopscope reproduce` runs for the app's results page and docs/reproduction.md: each entry runs
 * `node bin/koopscope.js reproduce NAME [flags] --json` (the bundled CLI: `npm run build:cli` first), times it, and
 * writes src/reproduce/recorded/ID.json = { id, command, wallSeconds, recorded, machine, result } where `result` is
 * the command's ExperimentResult, untouched. The page imports these files; test/reproduce/recorded.test.ts checks
 * their shape and re-runs the fast ones to catch a recording that no longer matches the code.
 *
 *   node scripts/record-results.mjs                 every entry (the full-size fcn-width alone takes ~45 min)
 *   node scripts/record-results.mjs omd-ogd quadratic   only these ids
 *   node scripts/record-results.mjs --from FILE --id ID --command "…" --wall S
 *                                                   store a JSON result produced elsewhere (e.g. a long run
 *                                                   started by hand with nohup) under ID
 *   node scripts/record-results.mjs --rejudge ID … --reason "…"
 *                                                   recompute the verdicts of recordings from their stored spectra
 *                                                   with the current conjugacy test (src/reproduce/recorded.ts
 *                                                   rejudge), without re-running them; the entry notes the date and
 *                                                   reason in `rejudged`
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'src/reproduce/recorded');

/** What the results page shows, in order. `args` follow `koopscope reproduce`. */
export const ENTRIES = [
  // the teaching cases on the cpu backend: test/reproduce/recorded.test.ts re-runs them on cpu and compares to 1e-12
  { id: 'omd-ogd', args: ['omd-ogd'] },
  { id: 'quadratic', args: ['quadratic', '--backend', 'cpu'] },
  { id: 'momentum', args: ['momentum', '--backend', 'cpu'] },
  { id: 'fcn-width-quick', args: ['fcn-width', '--quick'] },
  { id: 'fcn-width-8-seeds', args: ['fcn-width', '--seeds', '8'] },
  { id: 'cnn-early-quick', args: ['cnn-early', '--quick'] },
  { id: 'grokking-quick', args: ['grokking', '--quick'] },
];

const machine = (result) => `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`
  + (result?.settings?.backend ? `, tfjs ${result.settings.backend} backend` : '');

function write(id, command, wallSeconds, result) {
  fs.mkdirSync(outDir, { recursive: true });
  const entry = { id, command, wallSeconds: Math.round(wallSeconds * 10) / 10, recorded: new Date().toISOString().slice(0, 10), machine: machine(result), result };
  fs.writeFileSync(path.join(outDir, `${id}.json`), JSON.stringify(entry) + '\n');
  console.log(`${id}: ${result.verdict} (${entry.wallSeconds} s) → src/reproduce/recorded/${id}.json`);
}

const argv = process.argv.slice(2);
const flag = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
if (argv.includes('--rejudge')) {
  // The pure rejudge() lives in TypeScript; run it through the bundled tsx loader.
  const ids = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--reason');
  const reason = flag('reason');
  if (!ids.length || !reason) {
    console.error('record-results: --rejudge needs recording ids and --reason "why the verdicts were recomputed"');
    process.exit(2);
  }
  const code = `import { rejudge } from './src/reproduce/recorded.ts';
import * as fs from 'node:fs';
for (const id of ${JSON.stringify(ids)}) {
  const file = 'src/reproduce/recorded/' + id + '.json';
  const e = JSON.parse(fs.readFileSync(file, 'utf8'));
  const result = rejudge(e.result);
  const out = { ...e, result, rejudged: { date: new Date().toISOString().slice(0, 10), reason: ${JSON.stringify(reason)} } };
  fs.writeFileSync(file, JSON.stringify(out) + '\\n');
  console.log(id + ': ' + result.verdict);
}`;
  execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: 'inherit' });
} else if (flag('from')) {
  const [file, id, command, wall] = [flag('from'), flag('id'), flag('command'), Number(flag('wall'))];
  if (!id || !command || !Number.isFinite(wall)) {
    console.error('record-results: --from FILE needs --id ID --command "koopscope reproduce …" --wall SECONDS');
    process.exit(2);
  }
  write(id, command, wall, JSON.parse(fs.readFileSync(file, 'utf8')));
} else {
  const cli = path.join(root, 'bin/koopscope.js');
  const wanted = new Set(argv);
  for (const e of ENTRIES.filter((x) => wanted.size === 0 || wanted.has(x.id))) {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [cli, 'reproduce', ...e.args, '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
    write(e.id, `koopscope reproduce ${e.args.join(' ')}`, (performance.now() - t0) / 1000, JSON.parse(out));
  }
}
