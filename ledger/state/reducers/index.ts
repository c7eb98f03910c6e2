import type { StateWriter } from "../store.js";
import { assetRegistry } from "./AssetRegistry.js";
import { contributionLedger } from "./ContributionLedger.js";
import { disputeCourt } from "./DisputeCourt.js";
import { Documents } from "./documents.js";
import { LedgerEventError, type LedgerEvent } from "./event.js";
import { grantRegistry } from "./GrantRegistry.js";
import type { ContractReducer } from "./handlers.js";
import { ledgerAccessManager } from "./LedgerAccessManager.js";
import { revenueVault } from "./RevenueVault.js";

/**
 * Ledger reducers: decoded contract events -> ledger state. Pure and deterministic: the same events, in
 * chain order, give byte-identical state, whether folded by the indexer into LevelDB or by
 * {MemoryState} from logs alone. Events of other contracts and events the ledger does not model
 * (approvals, configuration) change nothing.
 *
 * One module per contract (mirroring `contracts/`), each a map of handlers typed from its ABI
 * (`handlers.ts`); this module dispatches an event to its contract's handler.
 */

export { LedgerEventError, type LedgerEvent } from "./event.js";

/** Every contract's reducers, by the contract's name. */
const LEDGER_REDUCERS: ReadonlyMap<string, ContractReducer> = new Map(
  [ledgerAccessManager, assetRegistry, grantRegistry, contributionLedger, revenueVault, disputeCourt].map((reducer) => [reducer.contract, reducer]),
);

/** Folds one event into the state. */
export function reduceLedgerEvent(event: LedgerEvent, state: StateWriter): void {
  const handler = LEDGER_REDUCERS.get(event.contract)?.handlers.get(event.eventName);
  if (handler === undefined) return;
  if (Array.isArray(event.args)) throw new LedgerEventError(event, "arguments without names");
  const documents = new Documents(state, event);
  handler.run(event, event.args as Readonly<Record<string, unknown>>, documents);
  documents.updateTotals((totals) => {
    totals.events += 1;
  });
}
