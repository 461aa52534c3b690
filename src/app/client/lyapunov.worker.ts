/**
 * One `koopscope lyapunov` preset (src/lyapunov, pure float64, no tfjs) off the main thread: `{type:'run', preset,
 * quick}` → `progress`… → `result` (the LyapunovReport) | `failed` (jobWorker.ts). One run per worker; the page
 * cancels by terminating it.
 */
import { getLyapunovPreset } from '../../lyapunov/presets';
import type { LyapunovRequest } from './lyapunov';
import { serveJob } from './jobWorker';

serveJob((m: LyapunovRequest, job) => getLyapunovPreset(m.preset).run({ quick: m.quick }, job.progress));
