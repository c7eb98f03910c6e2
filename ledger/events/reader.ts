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

/** An inclusive range of blocks. */
export interface BlockRange {
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
}

export interface LogReaderParameters<log> {
  /** One `eth_getLogs` of the range, by the caller's client (with its own retries, filters and checks). */
  getLogs: (range: BlockRange) => Promise<log[]>;
  /** Whether `getLogs` failed because the range is too wide, so that it is split; by default any error. */
  isRangeRefusal?: (error: unknown) => boolean;
  range?: AdaptiveRangeOptions;
  /** A range came back (progress, metrics). */
  onLogs?: (range: BlockRange, logs: readonly log[]) => void;
  /** The node refused a range; it is read again in pieces. */
  onRefusal?: (range: BlockRange, error: unknown) => void;
}

export interface LogReader<log> {
  /** The width, in blocks, of the next range to ask for. */
  readonly rangeSize: number;
  /**
   * The logs of the range, asked for at once. When the node refuses it, it is read again in consecutive
   * pieces, each as wide as the adaptive size is then (at most half the refused width), one after the
   * other so that each piece uses what the refusals before it taught. A refusal of one block is thrown.
   */
  readRange(range: BlockRange): Promise<log[]>;
  /** Every log of the range, in ranges as wide as the adaptive size, in the order `getLogs` gives them. */
  readLogs(range: BlockRange): Promise<log[]>;
  /**
   * The logs of the range, asked for at once; when the node refuses it, `undefined`, and the adaptive size
   * has learnt from the refusal. For a caller that would rather take a shorter range than hold a refused
   * range's logs all at once (pieces read one after the other are held together by `readRange`).
   */
  tryRange(range: BlockRange): Promise<log[] | undefined>;
}

/** Reads logs over block ranges adapted to the node and the data (see {@link createAdaptiveRange}). */
export function createLogReader<log>({
  getLogs,
  isRangeRefusal = () => true,
  range: options = DEFAULT_RANGE_OPTIONS,
  onLogs,
  onRefusal,
}: LogReaderParameters<log>): LogReader<log> {
  const range = createAdaptiveRange(options);

  async function tryRange(blocks: BlockRange): Promise<log[] | undefined> {
    const { fromBlock, toBlock } = blocks;
    const width = Number(toBlock - fromBlock + 1n);
    let logs: log[];
    try {
      logs = await getLogs(blocks);
    } catch (error) {
      if (fromBlock === toBlock || !isRangeRefusal(error)) throw error;
      range.refused(width);
      onRefusal?.(blocks, error);
      return undefined;
    }
    range.succeeded(width, logs.length);
    onLogs?.(blocks, logs);
    return logs;
  }

  async function readRange(blocks: BlockRange): Promise<log[]> {
    const logs = await tryRange(blocks);
    if (logs !== undefined) return logs;
    const { fromBlock, toBlock } = blocks;
    const half = BigInt(Math.ceil(Number(toBlock - fromBlock + 1n) / 2));
    const pieces: log[] = [];
    for (let start = fromBlock; start <= toBlock; ) {
      const end = min(toBlock, start + min(BigInt(range.size), half) - 1n);
      for (const log of await readRange({ fromBlock: start, toBlock: end })) pieces.push(log);
      start = end + 1n;
    }
    return pieces;
  }

  return {
    get rangeSize() {
      return range.size;
    },
    readRange,
    tryRange,
    async readLogs({ fromBlock, toBlock }) {
      const logs: log[] = [];
      for (let start = fromBlock; start <= toBlock; ) {
        const end = min(toBlock, start + BigInt(range.size) - 1n);
        for (const log of await readRange({ fromBlock: start, toBlock: end })) logs.push(log);
        start = end + 1n;
      }
      return logs;
    },
  };
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
