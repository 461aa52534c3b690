/**
 * One redraw per animation frame across all live plots. Each plot's `Plotly.react` is a synchronous main-thread
 * task (~10–90 ms on a slow machine); when the four plots redrew in the same frame their costs added up to long
 * tasks of 60–700 ms (bench/app-browser.mjs). Plots queue their draw here instead of calling requestAnimationFrame
 * themselves, and the queue runs the oldest request each frame, so each task holds one plot's redraw.
 */
type Job = () => void;

const queue: Job[] = [];
let frame = 0;

function run(): void {
  frame = 0;
  const job = queue.shift();
  if (job) job();
  if (queue.length) frame = requestAnimationFrame(run);
}

/** Queue `job` for a coming frame (one job per frame, first come first served). Returns a cancel function. */
export function requestDraw(job: Job): () => void {
  queue.push(job);
  if (!frame) frame = requestAnimationFrame(run);
  return () => {
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
  };
}
