import { join } from "node:path";

import type { IndexerOptions } from "../../../services/indexer/config.js";
import { reducer as erc20Reducer } from "../../../services/indexer/reducers/erc20.js";
import { createIndexer, type Indexer } from "../../../services/indexer/sync/engine.js";
import type { IndexerEvent } from "../../../services/indexer/sync/events.js";
import type { TestChain } from "./chain.js";

let dbCount = 0;

/** An indexer of the chain's TestToken with the ERC-20 reducer, into a new store under the chain's scratch directory. */
export async function tokenIndexer(
  chain: TestChain,
  overrides: Partial<IndexerOptions> = {},
): Promise<Indexer & { dbPath: string; events: IndexerEvent[] }> {
  const events: IndexerEvent[] = [];
  const dbPath = overrides.dbPath ?? join(chain.dir, `db-${++dbCount}`);
  const indexer = await createIndexer({
    rpcUrl: chain.url,
    contracts: [chain.token],
    reducer: erc20Reducer,
    finalityDepth: 5,
    range: { initial: 50, max: 200 },
    retry: { retries: 12, baseDelayMs: 5, maxDelayMs: 200 },
    onEvent: (event) => events.push(event),
    ...overrides,
    dbPath,
  });
  return Object.assign(indexer, { dbPath, events });
}

/** The state digest of a fresh, uninterrupted sync of the chain as it is now (the reference); `overrides` as `tokenIndexer`'s. */
export async function referenceSync(
  chain: TestChain,
  overrides: Partial<IndexerOptions> = {},
): Promise<{ digest: string; events: number; cursor: number }> {
  const indexer = await tokenIndexer(chain, { range: { initial: 1_000, max: 10_000 }, ...overrides });
  try {
    await indexer.syncOnce();
    return { digest: await indexer.store.digestState(), events: await indexer.store.countEvents(), cursor: indexer.store.cursor.number };
  } finally {
    await indexer.close();
  }
}
