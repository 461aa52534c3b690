/**
 * One of the page's compute threads: a nested worker started by threadPool.ts (inside the file reader's worker) that
 * runs threadJobs.ts jobs (the split Gram and randomized products) over shared memory. It posts `{type: 'ready'}`
 * once loaded; every job is answered through the job's shared counter, not by a message.
 */
import { runThreadJob, type ThreadJob } from './threadJobs';

self.onmessage = (e: MessageEvent<ThreadJob | { type: 'ping' }>) => {
  if ('type' in e.data) self.postMessage({ type: 'pong' });
  else runThreadJob(e.data, (m) => console.error(m));
};
self.postMessage({ type: 'ready' });
