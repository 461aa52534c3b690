/**
 * TensorFlow.js in the command line: the cpu backend (Node has no WebGPU here, and tfjs-node is not a dependency).
 * PROD silences tfjs's "install tfjs-node" banner (and debug checks we do not need).
 */
import { tf } from '../train/tf';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendReport } from '../workers/protocol';

export async function useNodeCpuBackend(): Promise<BackendReport> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
  return { name: 'cpu', reason: 'Node: the tfjs cpu backend', skipped: [] };
}
