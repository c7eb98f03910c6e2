import type { ChainPosition } from "../records.js";

/** A decoded event as the indexer delivers it (its `DecodedEvent` fits). */
export interface LedgerEvent {
  /** The emitting contract's name: AssetRegistry, GrantRegistry, ContributionLedger, RevenueVault, DisputeCourt, LedgerAccessManager. */
  readonly contract: string;
  readonly eventName: string;
  readonly args: Readonly<Record<string, unknown>> | readonly unknown[];
  readonly blockNumber: bigint;
  readonly timestamp: bigint;
  readonly transactionHash: string;
  readonly logIndex: number;
}

/** Raised for an event whose arguments do not have the shape of the contracts' ABI. */
export class LedgerEventError extends Error {
  constructor(event: LedgerEvent, detail: string) {
    super(`${event.contract}.${event.eventName} at block ${event.blockNumber} log ${event.logIndex}: ${detail}`);
    this.name = "LedgerEventError";
  }
}

/** Where an event was recorded on chain, as documents store it. */
export function at(event: LedgerEvent): ChainPosition {
  return {
    block: event.blockNumber.toString(),
    timestamp: event.timestamp.toString(),
    tx: event.transactionHash,
    logIndex: event.logIndex,
  };
}
