import { reduceLedgerEvent } from "../../../ledger/state/index.js";
import type { Reducer } from "../types.js";

/**
 * The ledger's domain reducers (`ledger/state`) over the indexer's store: parties, assets, grants,
 * contributions, policies, deposits, settlements, claims, disputes and evidence entries. Contracts are
 * known by their Ignition names (AssetRegistry, GrantRegistry, ContributionLedger, RevenueVault,
 * DisputeCourt, LedgerAccessManager); other contracts' events are kept as logs and change no state.
 */
export const reducer: Reducer = (event, tx) => reduceLedgerEvent(event, tx);

/** Bump when the state layout or a reducer's meaning changes: the indexer then rebuilds its state. */
export const LEDGER_REDUCER_VERSION = "ledger-state-4";
