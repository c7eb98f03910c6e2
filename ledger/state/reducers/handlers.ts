import type { Abi, AbiEvent, ContractEventName, GetEventArgs } from "viem";

import type { LedgerContractName } from "../../events/abis.js";
import { viewOf, type ArgsView } from "./args.js";
import type { Documents } from "./documents.js";
import type { LedgerEvent } from "./event.js";

/**
 * Handlers typed from the contracts' ABIs (`ledger/abi.ts`, `as const`), in the manner of Ponder's
 * `ponder.on("Contract:Event", ({ event, context }) => ...)`: a contract's handlers are a map from its
 * event names to functions whose `args` are the event's decoded arguments. An event name the ABI does not
 * have, or an argument it does not name, is a compile error.
 */

/** An event's decoded arguments, every one by name (indexed or not), as viem's `decodeEventLog` gives them. */
type EventArgs<abi extends Abi, eventName extends ContractEventName<abi>> = GetEventArgs<
  abi,
  eventName,
  { EnableUnion: false; IndexedOnly: false; Required: true }
>;

interface HandlerContext<abi extends Abi, eventName extends ContractEventName<abi>> {
  /** The event being folded: its position on chain, for `at(event)`. */
  readonly event: LedgerEvent;
  /** Its arguments, checked against the ABI's shape as they are read. */
  readonly args: Readonly<EventArgs<abi, eventName>>;
  /** The state, as documents. */
  readonly docs: Documents;
}

type EventHandler<abi extends Abi, eventName extends ContractEventName<abi>> = (context: HandlerContext<abi, eventName>) => void;

/** A contract's handlers, by event name. Events without one change nothing. */
export type EventHandlers<abi extends Abi> = {
  readonly [eventName in ContractEventName<abi>]?: EventHandler<abi, eventName>;
};

/** One event's handler with its argument view compiled from the ABI. */
interface CompiledHandler {
  run(event: LedgerEvent, args: Readonly<Record<string, unknown>>, docs: Documents): void;
}

/** A contract's reducers, their types erased for the dispatcher. */
export interface ContractReducer {
  readonly contract: LedgerContractName;
  readonly abi: Abi;
  readonly handlers: ReadonlyMap<string, CompiledHandler>;
}

/** Declares the handlers of one contract's events, typed from its ABI. */
export function contractReducer<const abi extends Abi>(
  contract: LedgerContractName,
  abi: abi,
  handlers: NoInfer<EventHandlers<abi>>,
): ContractReducer {
  const compiled = new Map<string, CompiledHandler>();
  for (const [eventName, handler] of Object.entries(handlers) as [string, EventHandler<Abi, string> | undefined][]) {
    if (handler === undefined) continue;
    const abiEvent = abi.find((item): item is AbiEvent => item.type === "event" && item.name === eventName);
    if (abiEvent === undefined) throw new Error(`${contract} has no event ${eventName}`);
    const view: ArgsView = viewOf(abiEvent.inputs);
    compiled.set(eventName, {
      run: (event, args, docs) => handler({ event, args: view(args, docs) as EventArgs<Abi, string>, docs }),
    });
  }
  return { contract, abi, handlers: compiled };
}
