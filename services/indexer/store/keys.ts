/**
 * The store's key layout. One LevelDB, namespaces by a one-letter prefix, numbers as fixed-width
 * lower-case hex so that byte order is numeric order:
 *
 *   e:<block 16>                           a block's raw logs  in (tx index, log index) order (`blockLogs.ts`)
 *   h:<block 16>                           a block hash        for every block that may still reorganise
 *   m:<name>                               metadata            cursor, safe block, configuration, wipe marker
 *   s:<key>                                reducer state       the StateTx namespace, in key order
 *   u:<block 16>                           undo data           prior values of the state keys a block wrote
 */
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

export const EVENT = "e:";
export const HASH = "h:";
export const STATE = "s:";
export const UNDO = "u:";

export const META_CURSOR = "m:cursor";
export const META_SAFE = "m:safe";
export const META_CONFIG = "m:config";
export const META_WIPE = "m:wipe";


export const eventsKey = (block: number) => EVENT + hex(block, 16);
export const blockOfEventsKey = (key: string) => Number.parseInt(key.slice(EVENT.length), 16);

export const hashKey = (block: number) => HASH + hex(block, 16);
export const undoKey = (block: number) => UNDO + hex(block, 16);
export const stateKey = (key: string) => STATE + key;

/** The key range of a namespace, for iterators: every key that starts with `prefix` (one ASCII char + ':'). */
export function namespace(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: prefix.slice(0, -1) + ";" };
}
