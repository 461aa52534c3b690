/** The snapshot stream format (src/io/stream.ts): frames round-trip, and every malformed input is one clear error. */
import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrames, parseRegistration, sameRun, StreamError } from '../../src/io/stream';

const reg = (o: Record<string, unknown> = {}) => ({ run: 'seed-0', params: [{ name: 'w', shape: [2, 3] }, { name: 'b', shape: [3] }], dt: 10, ...o });

function errorOf(f: () => unknown): StreamError {
  try { f(); } catch (e) { if (e instanceof StreamError) return e; throw e; }
  throw new Error('no error');
}

describe('registration', () => {
  it('computes sizes, N and the values per snapshot', () => {
    const r = parseRegistration(reg());
    expect(r.params.map((p) => p.size)).toEqual([6, 3]);
    expect([r.N, r.n, r.dt]).toEqual([9, 9, 10]);
    const s = parseRegistration(reg({ sketch: { dim: 4, seed: 3 } }));
    expect([s.N, s.n, s.sketch]).toEqual([9, 4, { dim: 4, seed: 3 }]);
  });
  it.each([
    [null, /JSON object/],
    [reg({ run: '../etc' }), /run id/],
    [reg({ run: '.hidden' }), /run id/],
    [reg({ params: [] }), /non-empty/],
    [reg({ params: [{ name: 'w', shape: [2, 0] }] }), /positive whole numbers/],
    [reg({ params: [{ name: 'w', shape: [2] }, { name: 'w', shape: [2] }] }), /twice/],
    [reg({ params: [{ name: 'steps', shape: [2] }] }), /clashes/],
    [reg({ dt: -1 }), /dt must be a positive number/],
    [reg({ sketch: { dim: 0 } }), /sketch must be/],
    [reg({ meta: [1] }), /meta must be a JSON object/],
    [reg({ code: 'rm -rf /' }), /unknown field/],
  ])('refuses %j', (v, msg) => {
    const e = errorOf(() => parseRegistration(v));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(msg);
    expect(e.message).not.toMatch(/\n/);
  });
  it('tells a reconnecting trainer of the same run from another model', () => {
    const a = parseRegistration(reg());
    expect(sameRun(a, parseRegistration(reg()))).toBeUndefined();
    expect(sameRun(a, parseRegistration(reg({ params: [{ name: 'w', shape: [3, 2] }, { name: 'b', shape: [3] }] })))).toMatch(/table/);
    expect(sameRun(a, parseRegistration(reg({ dt: 5 })))).toMatch(/dt/);
  });
});

describe('frames', () => {
  it('round-trip, data 4-byte aligned, NaN loss as null', () => {
    const frames = [
      { header: { step: 0, loss: NaN }, data: Float32Array.from([1, 2, 3]) },
      { header: { step: 10, loss: 0.5, index: 7 }, data: Float32Array.from([-1, 0.25, 1e-30]) },
    ];
    const bytes = encodeFrames(frames);
    const H = new DataView(bytes.buffer).getUint32(4, true);
    expect((8 + H) % 4).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + H))).toContain('"loss":null');
    const back = decodeFrames(bytes, 3);
    expect(back.map((f) => f.header.step)).toEqual([0, 10]);
    expect(back[0].header.loss).toBeNaN();
    expect(back[1].header).toEqual({ step: 10, loss: 0.5, index: 7 });
    expect(Array.from(back[1].data)).toEqual(Array.from(frames[1].data));
    expect(decodeFrames(new Uint8Array(0))).toEqual([]);
    // the same frames at an odd byte offset (the byte-wise path)
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeFrames(shifted.subarray(1), 3).map((f) => Array.from(f.data))).toEqual(back.map((f) => Array.from(f.data)));
  });
  it('refuses malformed bodies with one line', () => {
    const good = encodeFrames([{ header: { step: 1, loss: 1 }, data: Float32Array.from([1, 2]) }]);
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, good.length - 1), /truncated/],
      [good.subarray(0, 6), /truncated/],
      [new Uint8Array([80, 75, 3, 4, 0, 0, 0, 0]), /KSF1/],
      [encodeFrames([{ header: { step: 1, loss: 1 }, data: Float32Array.from([1, NaN]) }]), /NaN/],
    ];
    for (const [bytes, msg] of cases) expect(errorOf(() => decodeFrames(bytes, 2)).message).toMatch(msg);
    expect(errorOf(() => decodeFrames(good, 3)).message).toMatch(/2 values, the run has 3/);
    const bad = good.slice();
    bad[8] = '['.charCodeAt(0);
    expect(errorOf(() => decodeFrames(bad, 2)).message).toMatch(/not a JSON object/);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(4, 1e9, true);
    expect(errorOf(() => decodeFrames(huge, 2)).message).toMatch(/at most 4096/);
  });
});
