/** `koopscope kpflow`, in-process through main(). Small overrides keep each run well under a second or two. */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { cli } from './inProcess';


describe('koopscope kpflow', () => {
  it('--list names the presets; --help shows the usage', async () => {
    const r = await cli('kpflow', '--list');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['memory-pro-rnn', 'memory-pro-basic', 'memory-pro-gru', 'multitask-gru']);
    expect((await cli('kpflow', '--help')).out).toMatch(/usage: koopscope kpflow --preset NAME/);
    expect((await cli('--help')).out).toMatch(/kpflow\s+paper 2's KPFlow/);
  });

  it('--json prints one object with checkpoints, the rank check and the Koopman spectrum', async () => {
    const r = await cli('kpflow', '--preset', 'memory-pro-rnn', '--quick', '--steps', '12', '--checkpoints', '2', '--hidden', '8', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.preset).toBe('memory-pro-rnn');
    expect(j.settings.hidden).toBe(8);
    expect(j.checkpoints.map((c: { step: number }) => c.step)).toEqual([0, 12]);
    for (const c of j.checkpoints) {
      expect(c.rankCheck.pass).toBe(true);
      expect(c.rankCheck.bound).toBe(8 + 3 + 1);
      expect(c.K.method).toBe('exact');
      expect(c.PKPstar.top.length).toBe(10);
    }
    expect(j.losses).toHaveLength(13);
    expect(j.koopman.eigenvalues.length).toBeGreaterThan(0);
  });

  it('human output: settings, the table over checkpoints, the rank check, task alignments and the Koopman summary', async () => {
    const r = await cli('kpflow', '--preset', 'multitask-gru', '--quick', '--steps', '6', '--checkpoints', '1', '--hidden', '8');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^kpflow multitask-gru \(quick\)/);
    expect(r.out).toMatch(/step\s+loss\s+λ1\(K\)/);
    expect(r.out).toMatch(/task alignment cos/);
    expect(r.out).toMatch(/memory-pro\/memory-anti/);
    expect(r.out).toMatch(/Koopman spectrum of the recurrent weights/);
    const v = await cli('kpflow', '--preset', 'memory-pro-basic', '--quick', '--steps', '4', '--checkpoints', '1', '--hidden', '8');
    expect(v.out).toMatch(/rank of K over batch×time .*\n\s+step 4: rank M = 12, max unit-block rank = 12, bound 12: PASS/);
  });

  it('--gain sets the init gain of the recurrent weights (it reaches the run, not only the settings)', async () => {
    const run = async (...extra: string[]) => JSON.parse((await cli('kpflow', '--preset', 'memory-pro-basic', '--quick', '--steps', '2', '--checkpoints', '1', '--hidden', '8', '--json', ...extra)).out);
    const base = await run(), small = await run('--gain', '0.05'), same = await run('--gain', '1');
    expect(base.settings.gain).toBe(1);
    expect(small.settings.gain).toBe(0.05);
    expect(same.losses).toEqual(base.losses); // the default is g = 1
    expect(small.losses[0]).not.toBe(base.losses[0]);
    // W ~ N(0, g²/H): at g = 0.05 the step Jacobian is ≈ (1 − dt) I, so 𝒫𝒫* is far smaller than at g = 1
    expect(small.checkpoints[0].PPstar.top[0]).toBeLessThan(base.checkpoints[0].PPstar.top[0]);
  });

  it('--gain-sweep runs one analysis per gain and prints misdirection and dimensions against g', async () => {
    const args = ['kpflow', '--preset', 'memory-pro-basic', '--quick', '--steps', '4', '--checkpoints', '2', '--hidden', '6', '--gain-sweep', '0.5,1.5'];
    const j = JSON.parse((await cli(...args, '--json')).out);
    expect(j.gains).toEqual([0.5, 1.5]);
    expect(j.runs.map((r: { settings: { gain: number } }) => r.settings.gain)).toEqual([0.5, 1.5]);
    const one = JSON.parse((await cli('kpflow', '--preset', 'memory-pro-basic', '--quick', '--steps', '4', '--checkpoints', '2', '--hidden', '6', '--gain', '1.5', '--json')).out);
    expect(j.runs[1].checkpoints[1].misdirection.value).toBe(one.checkpoints[1].misdirection.value); // the sweep's g = 1.5 run is the plain g = 1.5 run
    const text = (await cli(...args)).out;
    for (const s of ['init-gain sweep g = 0.5, 1.5', 'misdirection alignment(PKP*, PP*)', 'g = 0.5', 'unit space', 'hidden-state PCA']) expect(text).toContain(s);
  });

  it('human output has the unit-space ranks and the hidden-state PCA per checkpoint', async () => {
    const r = await cli('kpflow', '--preset', 'memory-pro-gru', '--quick', '--steps', '4', '--checkpoints', '2', '--hidden', '6');
    expect(r.out).toMatch(/step\s+unit K\s+unit PP\*\s+unit PKP\*\s+hidden PR\s+hidden 95%/);
    expect(r.out).toMatch(/misdirection = .*exact \(dense operators\)/); // N = 8·30·6 = 1440 ≤ 2000
  });

  it('user errors are one line with exit status 2', async () => {
    for (const args of [['kpflow'], ['kpflow', '--preset', 'nope'], ['kpflow', '--preset', 'memory-pro-rnn', '--steps', 'x'], ['kpflow', '--bogus'], ['kpflow', 'memory-pro-rnn'],
      ['kpflow', '--preset', 'memory-pro-rnn', '--gain', '0'], ['kpflow', '--preset', 'memory-pro-rnn', '--gain', '-1'], ['kpflow', '--preset', 'memory-pro-rnn', '--gain', 'big'],
      ['kpflow', '--preset', 'memory-pro-rnn', '--gain-sweep', '1,,2'], ['kpflow', '--preset', 'memory-pro-rnn', '--gain-sweep', '0,1'],
      ['kpflow', '--preset', 'memory-pro-rnn', '--gain', '1', '--gain-sweep', '1,2']]) {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^koopscope: /);
    }
  });
});
