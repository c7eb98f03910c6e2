/** Bounds of the `eth_getLogs` block range and how many logs one answer should hold. */
export interface AdaptiveRangeOptions {
  readonly initial: number;
  readonly min: number;
  readonly max: number;
  /** Grow while answers hold fewer than a quarter of this; shrink when one holds more. */
  readonly targetLogs: number;
}

/**
 * The first range is narrow: on a dense chain a wide first guess makes the node build answers of
 * hundreds of thousands of logs that the size limit then throws away (four refusals cost 3.5 s of the
 * node's time in bench:indexer); on a sparse chain light answers double it to the maximum in ten calls.
 */
export const DEFAULT_RANGE_OPTIONS: AdaptiveRangeOptions = { initial: 100, min: 1, max: 100_000, targetLogs: 10_000 };

/** After this many answers without a refusal, the learnt limit is forgotten (limits on results move with the data). */
const CEILING_MEMORY = 64;

export interface AdaptiveRange {
  /** The width, in blocks, of the next range to ask for. */
  readonly size: number;
  /** The node refused `width` blocks. */
  refused(width: number): void;
  /** A `width`-block range came back with `logs` logs. */
  succeeded(width: number, logs: number): void;
}

/**
 * The block range of `eth_getLogs`, adapted to the node and the data. A refusal of width W sets a
 * ceiling W - 1 and falls back to the widest range known to work (half of W before any worked);
 * light answers double the range, or, near the ceiling, halve the distance to it, so a node's
 * limit is found in a logarithmic number of refusals; a heavy answer shrinks the range to the
 * target number of logs. Always within [min, max].
 */
export function createAdaptiveRange(options: AdaptiveRangeOptions = DEFAULT_RANGE_OPTIONS): AdaptiveRange {
  const clamp = (n: number) => Math.max(options.min, Math.min(options.max, Math.floor(n)));
  let size = clamp(options.initial);
  let ceiling = Number.POSITIVE_INFINITY;
  let good = 0;
  let sinceRefusal = 0;
  return {
    get size() {
      return size;
    },
    refused(width) {
      sinceRefusal = 0;
      ceiling = Math.min(ceiling, width - 1);
      if (good >= width) good = 0;
      size = clamp(Math.min(size, good > 0 ? good : width / 2));
    },
    succeeded(width, logs) {
      if (++sinceRefusal > CEILING_MEMORY) ceiling = Number.POSITIVE_INFINITY;
      if (width <= ceiling) good = Math.max(good, width);
      if (logs > options.targetLogs) {
        size = clamp(Math.min(size, (width * options.targetLogs) / logs));
      } else if (logs < options.targetLogs / 4 && width >= size) {
        const doubled = size * 2;
        size = clamp(doubled <= ceiling ? doubled : Math.max(size, size + Math.ceil((ceiling - size) / 2)));
      }
    },
  };
}
