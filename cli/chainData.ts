import { SingleBar } from "cli-progress";
import type { AbiEvent, Address, Hex, Log } from "viem";

import type { RawLog } from "../ledger/evidence/index.js";
import { decodeLedgerLogs, MemoryState, reduceLedgerEvent, type LedgerEvent } from "../ledger/state/index.js";
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
  /** Blocks per request; halved when the node refuses a range (viem caps a response at 10 MiB). */
  chunk?: bigint;
  progress?: Progress;
}

/** A log with the fields the ledger code reads; pending logs are never returned by a mined range. */
export type ChainLog = RawLog;

function toChainLog(log: Log): ChainLog {
  return {
    address: log.address,
    topics: log.topics as readonly Hex[],
    data: log.data,
    blockNumber: log.blockNumber!,
    transactionHash: log.transactionHash!,
    logIndex: log.logIndex!,
  };
}

/**
 * Every matching log in `[fromBlock, toBlock]`, in chain order, read in block ranges so that no answer
 * exceeds what the node or viem accept; a refused range is split in two and retried.
 */
export async function readLogs(connection: Connection, query: LogQuery): Promise<ChainLog[]> {
  const logs: ChainLog[] = [];
  let chunk = query.chunk ?? 5_000n;
  let from = query.fromBlock;
  query.progress?.start(Number(query.toBlock - query.fromBlock + 1n));
  try {
    while (from <= query.toBlock) {
      const to = from + chunk - 1n < query.toBlock ? from + chunk - 1n : query.toBlock;
      let page: Log[];
      try {
        page = (await connection.client.getLogs({
          address: [...query.address],
          fromBlock: from,
          toBlock: to,
          ...(query.event === undefined ? {} : { event: query.event, args: query.args }),
          strict: false,
        } as Parameters<typeof connection.client.getLogs>[0])) as Log[];
      } catch (error) {
        if (chunk > 1n) {
          chunk /= 2n;
          continue;
        }
        throw new FailureError(`cannot read the logs of block ${from}: ${shortMessage(error)}`, { block: from }, error);
      }
      for (const log of page) logs.push(toChainLog(log));
      query.progress?.increment(Number(to - from + 1n));
      from = to + 1n;
    }
  } finally {
    query.progress?.stop();
  }
  return logs.sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
}

/** The timestamps of the given blocks (one batched request per hundred). */
export async function blockTimestamps(connection: Connection, blocks: Iterable<bigint>): Promise<Map<bigint, bigint>> {
  const unique = [...new Set(blocks)];
  const timestamps = new Map<bigint, bigint>();
  for (let i = 0; i < unique.length; i += 100) {
    const slice = unique.slice(i, i + 100);
    const answers = await Promise.all(slice.map((blockNumber) => connection.client.getBlock({ blockNumber })));
    answers.forEach((block, j) => timestamps.set(slice[j]!, block.timestamp));
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
  const events = decodeLedgerLogs(logs, addresses, (block) => timestamps.get(block)!);
  const state = new MemoryState();
  for (const event of events) reduceLedgerEvent(event, state);
  return { state, events };
}
