import { SingleBar } from "cli-progress";
import type { AbiEvent, Address, Log } from "viem";

import { compareLogs, createLogReader, DEFAULT_RANGE_OPTIONS, foldLogs, toRawLog, type RawLog } from "../ledger/events/index.js";
import type { LedgerEvent, MemoryState } from "../ledger/state/index.js";
import type { Connection } from "./connection.js";
import { shortMessage } from "./connection.js";
import { FailureError, type CliStream } from "./io.js";

/** Progress over block ranges: a bar on a terminal's stderr, nothing otherwise (scripts, CI, tests). */
export interface Progress {
  start(total: number): void;
  increment(by: number): void;
  stop(): void;
}

export function progressOn(stderr: CliStream, label: string): Progress {
  if (stderr.isTTY !== true) return { start() {}, increment() {}, stop() {} };
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | blocks {value}/{total} | {eta_formatted}`,
    stream: stderr as unknown as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: true,
  });
  return {
    start: (total) => bar.start(total, 0),
    increment: (by) => bar.increment(by),
    stop: () => bar.stop(),
  };
}

export interface LogQuery {
  address: readonly Address[];
  fromBlock: bigint;
  toBlock: bigint;
  /** Only logs of this event (with these indexed arguments). */
  event?: AbiEvent;
  args?: Record<string, unknown>;
  /** Blocks per request at most; fewer while the node refuses ranges (viem caps a response at 10 MiB). */
  chunk?: bigint;
  progress?: Progress;
}

/**
 * Every matching log in `[fromBlock, toBlock]`, in chain order, read in block ranges so that no answer
 * exceeds what the node or viem accept; a refused range is split and the next ranges adapt.
 */
export async function readLogs(connection: Connection, query: LogQuery): Promise<RawLog[]> {
  const chunk = Number(query.chunk ?? 5_000n);
  const reader = createLogReader({
    range: { ...DEFAULT_RANGE_OPTIONS, initial: chunk, max: chunk },
    async getLogs({ fromBlock, toBlock }) {
      try {
        const page = (await connection.client.getLogs({
          address: [...query.address],
          fromBlock,
          toBlock,
          ...(query.event === undefined ? {} : { event: query.event, args: query.args }),
          strict: false,
        } as Parameters<typeof connection.client.getLogs>[0])) as Log[];
        return page.map(toRawLog);
      } catch (error) {
        // A wider range is split by the reader; a single block the node cannot answer ends the read.
        if (fromBlock < toBlock) throw error;
        throw new FailureError(`cannot read the logs of block ${fromBlock}: ${shortMessage(error)}`, { block: fromBlock }, error);
      }
    },
    onLogs: ({ fromBlock, toBlock }) => query.progress?.increment(Number(toBlock - fromBlock + 1n)),
  });
  query.progress?.start(Number(query.toBlock - query.fromBlock + 1n));
  try {
    const logs = await reader.readLogs({ fromBlock: query.fromBlock, toBlock: query.toBlock });
    return logs.sort(compareLogs);
  } finally {
    query.progress?.stop();
  }
}

/** The timestamps of the given blocks (one batched request per hundred). */
async function blockTimestamps(connection: Connection, blocks: Iterable<bigint>): Promise<Map<bigint, bigint>> {
  const unique = [...new Set(blocks)];
  const timestamps = new Map<bigint, bigint>();
  for (let i = 0; i < unique.length; i += 100) {
    const slice = unique.slice(i, i + 100);
    const answers = await Promise.all(slice.map((blockNumber) => connection.client.getBlock({ blockNumber })));
    answers.forEach((block, j) => {
      timestamps.set(slice[j]!, block.timestamp);
    });
  }
  return timestamps;
}

/**
 * The ledger state as of `toBlock` (inclusive), folded from the deployment's logs read straight from the
 * node with the reducers the indexer runs: what a settlement with `stateBlock = toBlock` was computed from.
 */
export async function ledgerStateAt(
  connection: Connection,
  toBlock: bigint,
  progress?: Progress,
): Promise<{ state: MemoryState; events: LedgerEvent[] }> {
  const { addresses, fromBlock } = connection.deployment;
  const logs = await readLogs(connection, { address: Object.values(addresses), fromBlock, toBlock, ...(progress === undefined ? {} : { progress }) });
  const timestamps = await blockTimestamps(connection, logs.map((log) => log.blockNumber));
  const events: LedgerEvent[] = [];
  const state = await foldLogs(logs, {
    contracts: addresses,
    timestampOf: (log) => timestamps.get(log.blockNumber)!,
    onEvent: (event) => events.push(event),
  });
  return { state, events };
}
