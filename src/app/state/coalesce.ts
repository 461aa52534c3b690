/**
 * Worker replies arrive at a high rate while training plays: a `received` for every snapshot (often every step, 100+
 * per second) and `metrics` up to 20 per second. Applying each one is a store update, and every store update wakes
 * every subscribed component: that made 120–170 React commits per second. Here the high-rate replies are held and
 * applied together at most every `ms` (the latest `received`; every `metrics` point, in order); any other reply first
 * flushes what is held, so the order of events seen by the store never changes.
 */
import type { KoopmanReply, TrainerReply } from '../../workers/protocol';
import { applyKoopmanReply, applyTrainerReply } from './replies';
import type { AppStore } from './store';

export interface ReplyHandlers {
  trainer(r: TrainerReply): void;
  koopman(r: KoopmanReply): void;
  /** Apply what is held now (and stop the timer). */
  flush(): void;
}

export function coalescingHandlers(store: AppStore, ms = 100): ReplyHandlers {
  let received: KoopmanReply | undefined;
  const metrics: { r: TrainerReply; t: number }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer !== undefined) { clearTimeout(timer); timer = undefined; }
    for (const m of metrics.splice(0)) applyTrainerReply(store, m.r, m.t);
    if (received) { const r = received; received = undefined; applyKoopmanReply(store, r); }
  };
  const hold = () => { if (timer === undefined) timer = setTimeout(flush, ms); };

  return {
    trainer(r) {
      if (r.type === 'metrics') { metrics.push({ r, t: performance.now() }); hold(); return; }
      flush();
      applyTrainerReply(store, r);
    },
    koopman(r) {
      if (r.type === 'received') { received = r; hold(); return; }
      flush();
      applyKoopmanReply(store, r);
    },
    flush,
  };
}
