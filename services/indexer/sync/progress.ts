import type { Logger } from "../logger.js";
import type { IndexerMetrics } from "../metrics.js";

export interface Progress {
  /** A sync pass from `cursor` towards `head` begins. */
  begin(cursor: number, head: number): void;
  /** The cursor moved to `block`, with `events` more logs. */
  advance(block: number, events: number): void;
  /** The pass ended at the head. */
  finish(): void;
}

/**
 * Progress of long syncs: every `intervalMs` a log line with blocks done / total, events/s, blocks/s
 * and the ETA, and the events/s gauge. Short passes (live mode) log nothing here.
 */
export function createProgress(logger: Logger, metrics: IndexerMetrics, intervalMs: number, now: () => number = Date.now): Progress {
  let start = 0;
  let startBlock = 0;
  let target = 0;
  let block = 0;
  let events = 0;
  let lastAt = 0;
  let lastEvents = 0;
  let lastBlock = 0;
  let reported = false;

  function report(final: boolean) {
    const t = now();
    // Progress lines give the rate of the last interval; the closing line the pass's average.
    const since = final ? start : lastAt;
    const seconds = Math.max((t - since) / 1000, 1e-3);
    const eventsPerSecond = (events - (final ? 0 : lastEvents)) / seconds;
    const blocksPerSecond = (block - (final ? startBlock : lastBlock)) / seconds;
    metrics.eventsPerSecond.set(Math.round(eventsPerSecond));
    const done = block - startBlock;
    const total = target - startBlock;
    const elapsed = (t - start) / 1000;
    const overallBlocksPerSecond = done / Math.max(elapsed, 1e-3);
    logger.info(
      {
        block,
        head: target,
        blocksDone: done,
        blocksTotal: total,
        percent: total > 0 ? Math.round((1000 * done) / total) / 10 : 100,
        events,
        eventsPerSecond: Math.round(eventsPerSecond),
        blocksPerSecond: Math.round(blocksPerSecond),
        etaSeconds: final ? 0 : Math.round((target - block) / Math.max(overallBlocksPerSecond, 1e-9)),
      },
      final ? "backfill caught up" : "backfill progress",
    );
    lastAt = t;
    lastEvents = events;
    lastBlock = block;
    reported = true;
  }

  return {
    begin(cursor, head) {
      start = lastAt = now();
      startBlock = block = lastBlock = cursor;
      target = head;
      events = lastEvents = 0;
      reported = false;
    },
    advance(to, n) {
      block = to;
      events += n;
      if (block < target && now() - lastAt >= intervalMs) report(false);
    },
    finish() {
      // A pass long enough to have reported progress says when it is done.
      if (reported) report(true);
      else if (now() - start > 0) metrics.eventsPerSecond.set(Math.round((events * 1000) / Math.max(now() - start, 1)));
    },
  };
}
