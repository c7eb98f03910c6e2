import type { Hex } from "viem";
import type { Logger } from "pino";

import type { CertificateLedger } from "../../ledger/certificates/index.js";
import type { ReplayProblem } from "../../ledger/evidence/index.js";
import type { PartyProfile } from "../../ledger/parties/profile.js";
import type { DocumentStore } from "../shared/documentStore.js";
import type { AuthServices } from "./auth/index.js";
import type { Allocation, AllocationTree, SplitContext, SplitPlan } from "../../ledger/split/index.js";
import type { StateReader } from "../../ledger/state/index.js";
import type { Lru } from "./lru.js";
import type { LedgerSources } from "./sources.js";

/**
 * What every handler reads, and the types of what the API caches: the module that `route.ts` (the
 * handler plumbing) and the derived answers (`evidence.ts`, `settlements.ts`) both import, so that
 * neither imports the other.
 */

/** The ERC-20 revenue is paid in, as its contract describes itself. */
export interface SettlementToken {
  address: string;
  symbol: string;
  decimals: number;
}

/** The deployment the API describes: its chain and contracts by name (AssetRegistry, RevenueVault, ...). */
export interface ApiDeployment {
  chainId: number;
  contracts: Readonly<Record<string, string>>;
  /** Unknown when the token does not answer `symbol()`/`decimals()`: amounts are then in its smallest unit. */
  settlementToken?: SettlementToken | undefined;
}

/** A settlement's allocation recomputed from the state at its `stateBlock`, and whether its root is the posted one. */
export interface SettlementAllocation {
  allocation: Allocation;
  tree: AllocationTree;
  rootMatches: boolean;
}

/** The current state a product's split reads, and the split contexts built from it (memoized: a context of 50,000 contributions is 50,000 documents to parse). */
export interface SplitSnapshot {
  state: StateReader;
  contextOf(assetId: bigint): SplitContext | undefined;
  /**
   * The amount-independent part of the asset's split (memoized, like the contexts): a preview only
   * apportions it. Throws the engine's SplitError for a context it refuses, every time.
   */
  planOf(assetId: bigint): SplitPlan;
}

/** An asset's evidence chain replayed from the stored logs. */
export interface EvidenceVerification {
  verified: boolean;
  length: number;
  genesis: Hex;
  head: Hex;
  recordedHead: { seq: number; head: string };
  problems: ReplayProblem[];
  /** The domain event each entry commits to, by seq. */
  eventNames: ReadonlyMap<number, string | undefined>;
}

/** What certificates need beyond the indexed state. */
interface CertificateServices {
  /** The chain a credential is checked against; undefined when the API runs without one (the check then answers 503). */
  ledger: CertificateLedger | undefined;
  /** Party profile documents by lower-case account: names are shown only where a document hashes to the party's on-chain profile hash. */
  partyBook: ReadonlyMap<string, PartyProfile>;
  /** The web address the pages are served at: what a printed certificate's QR code opens. */
  webUrl(): string;
}

/** What every handler reads. */
export interface ApiContext {
  sources: LedgerSources;
  deployment: ApiDeployment;
  certificates: CertificateServices;
  /** Card and review-report documents by hash; undefined when the node keeps none. */
  documents: DocumentStore | undefined;
  /** Sign-In with Ethereum sessions and per-client rate limits. */
  auth: AuthServices;
  logger: Logger;
  caches: {
    /** Per product: the state its split reads, fetched ahead, with the revision it was read at. */
    splitStates: Lru<string, { revision: string; state: Promise<SplitSnapshot> }>;
    /** Per settlement (id, root, state block): the allocation recomputed from the state at its block. */
    allocations: Lru<string, Promise<SettlementAllocation>>;
    /** Per asset and recorded head: the replay of its evidence chain. */
    evidence: Lru<string, Promise<EvidenceVerification>>;
  };
}

/**
 * Keeps `value` in a cache only if the store was not written while it was computed: a value read across a
 * write may mix two states, and a cache would serve it long after the request that made it was read again.
 */
export function keepIfStable<V>(context: ApiContext, value: Promise<V>, forget: () => void): Promise<V> {
  const { writeSeq } = context.sources;
  if (writeSeq === undefined) return value;
  const before = writeSeq();
  value.then(
    () => {
      if (before % 2 === 1 || writeSeq() !== before) forget();
    },
    () => forget(),
  );
  return value;
}
