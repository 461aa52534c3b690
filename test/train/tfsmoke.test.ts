import { describe, expect, it } from 'vitest';
import { tf } from '../../src/train/tf';
import '@tensorflow/tfjs-backend-cpu';

describe('tfjs in node', () => {
  it('trains on cpu', async () => {
    await tf.setBackend('cpu');
    const w = tf.variable(tf.randomNormal([2, 1], 0, 1, 'float32', 1));
    const x = tf.tensor2d([[1, 2], [3, 4]]), y = tf.tensor2d([[1], [2]]);
    const opt = tf.train.adam(0.1);
    for (let i = 0; i < 100; i++) opt.minimize(() => tf.losses.meanSquaredError(y, x.matMul(w)) as tf.Scalar);
    const l = tf.losses.meanSquaredError(y, x.matMul(w));
    expect((await l.data())[0]).toBeLessThan(0.1); // started near 5
  });
});
