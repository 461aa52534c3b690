/**
 * One `koopscope lyapunov` preset (src/lyapunov, pure float64, no tfjs) off the main thread: `{type:'run', preset,
 * quick}` → `progress`… → `result` (the LyapunovReport) | `failed` (job.ts). One run per worker; the page
 * cancels by terminating it.
 */
import { getLyapunovPreset } from '../lyapunov/presets';
import { serveJob } from './job';
import type { LyapunovRequest } from './jobRequests';

serveJob((m: LyapunovRequest, job) => getLyapunovPreset(m.preset).run({ quick: m.quick }, job.progress));
