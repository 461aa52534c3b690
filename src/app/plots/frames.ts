/**
 * One redraw per animation frame across all live plots, each in a task of its own. Each plot's `Plotly.react` is a
 * synchronous main-thread task (~10–90 ms on a slow machine); when the four plots redrew in the same frame their
 * costs added up to long tasks of 60–700 ms (bench/app-browser.mjs). Plots queue their draw here instead of calling
 * requestAnimationFrame themselves, and the queue runs the oldest request once per frame.
 *
 * The draw does not run inside the requestAnimationFrame callback: that callback is part of the frame's rendering
 * task (style, layout, paint of the whole page), so a draw there added its cost to the rendering's. The callback
 * posts a message instead, and the draw runs in the task right after the frame (MessageChannel, unclamped unlike
 * setTimeout): the draw and the rendering of its result are two tasks, each well under 50 ms, with input handled
 * between them.
 *
 * And the queue leaves the main thread at least half idle: after a draw that took c ms the next one waits c ms more
 * (then the next frame), so plots never take more than half of a slow or busy machine's main thread together, and
 * React, input and the workers' messages get the rest.
 */
type Job = () => void;

const queue: Job[] = [];
let frame = 0;
let posted = false;
let channel: MessageChannel | undefined;
/** The queue is resting (a timer) after the last draw. */
let resting = false;

function next(): void {
  if (queue.length && !frame && !posted && !resting) frame = requestAnimationFrame(onFrame);
}

function runOne(): void {
  posted = false;
  const job = queue.shift();
  const t0 = performance.now();
  try {
    job?.();
  } finally {
    const cost = performance.now() - t0;
    if (cost > 4) {
      resting = true;
      setTimeout(() => {
        resting = false;
        next();
      }, cost);
    } else {
      next();
    }
  }
}

function onFrame(): void {
  frame = 0;
  if (posted || !queue.length) return;
  posted = true;
  if (typeof MessageChannel === 'function') {
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = runOne;
    }
    channel.port2.postMessage(null);
  } else {
    setTimeout(runOne, 0);
  }
}

/**
 * Queue `job` for a coming frame (one job per frame, first come first served; a `first` job goes ahead of the others:
 * the spectrum, so that each spectrum is drawn at the next frame). Returns a cancel function.
 */
export function requestDraw(job: Job, first = false): () => void {
  if (first) queue.unshift(job);
  else queue.push(job);
  next();
  return () => {
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
  };
}
