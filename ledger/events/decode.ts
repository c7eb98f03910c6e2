import { checksumAddress, decodeEventLog, toEventSelector, type Abi, type AbiEvent, type AbiParameter, type Address, type Hex } from "viem";

import type { RawLog } from "./log.js";

/**
 * Event decoders compiled from an ABI event, giving exactly what viem's `decodeEventLog({ strict: true })`
 * gives (the same values, the same key order) at a fraction of the cost: words are read straight from
 * the hex string, with no byte arrays, cursors or per-call ABI parsing. A backfill decodes every log, and
 * viem's general decoder was the largest single cost of indexing (about 12 µs of the 60 µs an event took).
 *
 * Compiled: address, bool, uint<N>, int<N>, bytes<N>, and top-level `bytes` and `string`. An event with
 * any other parameter (tuples, arrays), unnamed parameters or anonymous, and data of odd length, go to
 * viem itself. Malformed logs throw, as viem's strict mode does: a missing topic, missing data, a word or
 * a dynamic value past the end of the data, a bool other than 0 or 1. One difference, on purpose: viem
 * reads a dynamic value's offset from where its cursor happened to stop when the head runs past the data;
 * this decoder refuses such data (no contract encodes it).
 */
type EventArgs = Record<string, unknown> | readonly unknown[] | undefined;
export type EventArgsDecoder = (topics: readonly Hex[], data: Hex) => EventArgs;

type WordReader = (word: string) => unknown;

const DYNAMIC = new Set(["bytes", "string"]);
const utf8 = new TextDecoder();
const TWO_256 = 1n << 256n;
const INT256_MAX = (1n << 255n) - 1n;

/** Checksummed addresses by lower-case hex: a ledger's events name the same few parties over and over. */
const checksums = new Map<string, Address>();
function checksummed(lower: string): Address {
  let address = checksums.get(lower);
  if (address === undefined) {
    address = checksumAddress(lower as Address);
    if (checksums.size >= 100_000) checksums.clear();
    checksums.set(lower, address);
  }
  return address;
}

function numberReader(type: string): WordReader | undefined {
  const match = /^(u?)int(\d*)$/.exec(type);
  if (match === null) return undefined;
  const signed = match[1] === "";
  const bits = match[2] === "" ? 256 : Number(match[2]);
  if (!(bits >= 8 && bits <= 256 && bits % 8 === 0)) return undefined;
  // As viem: the whole word, two's complement over 256 bits when signed; a JS number up to 48 bits.
  const toValue = (word: string): bigint => {
    const value = BigInt(`0x${word}`);
    return signed && value > INT256_MAX ? value - TWO_256 : value;
  };
  return bits > 48 ? toValue : (word) => Number(toValue(word));
}

function staticReader(type: string): WordReader | undefined {
  if (type === "address") return (word) => checksummed(`0x${word.slice(24)}`);
  if (type === "bool") {
    return (word) => {
      if (/^0{63}[01]$/.test(word)) return word.endsWith("1");
      throw new Error(`not a bool: 0x${word}`);
    };
  }
  const fixedBytes = /^bytes(\d+)$/.exec(type);
  if (fixedBytes !== null) {
    const size = Number(fixedBytes[1]);
    if (size < 1 || size > 32) return undefined;
    return (word) => `0x${word.slice(0, size * 2)}`;
  }
  return numberReader(type);
}

/** A parameter of the data: its head word at `index`, and for dynamic ones the value it points to. */
function dataReader(parameter: AbiParameter): ((data: string, index: number) => unknown) | undefined {
  if (DYNAMIC.has(parameter.type)) {
    const asString = parameter.type === "string";
    return (data, index) => {
      const offset = wordAt(data, index * 64);
      const start = Number(BigInt(`0x${offset}`)) * 2;
      if (!Number.isSafeInteger(start)) throw new Error(`offset out of range: 0x${offset}`);
      const length = Number(BigInt(`0x${wordAt(data, start)}`)) * 2;
      if (length === 0) return asString ? "" : "0x";
      const body = start + 64;
      if (!Number.isSafeInteger(length) || body + length > data.length) throw new Error("dynamic value past the end of the data");
      const hex = data.slice(body, body + length);
      return asString ? utf8.decode(Buffer.from(hex, "hex")) : `0x${hex}`;
    };
  }
  const read = staticReader(parameter.type);
  return read === undefined ? undefined : (data, index) => read(wordAt(data, index * 64));
}

/** The 64 hex digits at `position` of `data` (without 0x); throws past the end. */
function wordAt(data: string, position: number): string {
  if (position + 64 > data.length) throw new Error("word past the end of the data");
  return data.slice(position, position + 64);
}

function viemDecoder(event: AbiEvent): EventArgsDecoder {
  return (topics, data) =>
    decodeEventLog({ abi: [event], topics: topics as [Hex, ...Hex[]], data, strict: true }).args as EventArgs;
}

/** A decoder of `event`'s arguments from a log's topics (topic0 included) and data. */
export function compileEventDecoder(event: AbiEvent): EventArgsDecoder {
  const fallback = viemDecoder(event);
  if (event.anonymous === true || event.inputs.some((input) => input.name === undefined || input.name === "")) return fallback;
  const indexed: { name: string; read: WordReader | undefined }[] = [];
  const plain: { name: string; read: (data: string, index: number) => unknown }[] = [];
  for (const input of event.inputs) {
    if ((input as { indexed?: boolean }).indexed === true) {
      // A dynamic indexed value is hashed into its topic: the topic is the value (as viem returns it).
      const read = DYNAMIC.has(input.type) ? undefined : staticReader(input.type);
      if (read === undefined && !DYNAMIC.has(input.type)) return fallback;
      indexed.push({ name: input.name!, read });
    } else {
      const read = dataReader(input);
      if (read === undefined) return fallback;
      plain.push({ name: input.name!, read });
    }
  }
  if (indexed.length === 0 && plain.length === 0) return () => undefined;

  return (topics, data) => {
    if (plain.length > 0 && data.length % 2 === 1) return fallback(topics, data);
    // Key order as viem's: indexed arguments first, then the others, each in ABI order.
    const args: Record<string, unknown> = {};
    for (let i = 0; i < indexed.length; i += 1) {
      const topic = topics[i + 1];
      if (topic === undefined) throw new Error(`event ${event.name}: topic ${i + 1} is missing`);
      const { name, read } = indexed[i]!;
      args[name] = read === undefined ? topic : read(wordAt(topic.slice(2).toLowerCase(), 0));
    }
    if (plain.length > 0) {
      const body = data.slice(2).toLowerCase(); // as viem's bytesToHex answers: lower-case
      if (body.length < 64) throw new Error(`event ${event.name}: data too short (${body.length / 2} bytes)`);
      for (let i = 0; i < plain.length; i += 1) args[plain[i]!.name] = plain[i]!.read(body, i);
    }
    return args;
  };
}

/** What decoding one log gives; `event` is the decoded event in the reader's shape. */
export type DecodeResult<event = DecodedLog> =
  | { readonly kind: "decoded"; readonly event: event }
  /** No contract at the address, or no event with this topic0. */
  | { readonly kind: "unknown" }
  /** The ABI names the event but the log does not decode with it (wrong indexing, short data). */
  | { readonly kind: "undecodable"; readonly error: unknown };

interface DecodedLog {
  readonly abiEvent: AbiEvent;
  readonly eventName: string;
  readonly args: EventArgs;
}

interface DecodedContractLog<name extends string = string> extends DecodedLog {
  /** The name of the contract at the log's address. */
  readonly contract: name;
}

/** A contract whose logs are decoded: found by address, its events by topic0. */
export interface DecodableContract<name extends string = string> {
  readonly name: name;
  readonly address: Address;
  readonly abi: Abi;
}

interface CompiledEvent {
  readonly abiEvent: AbiEvent;
  readonly decodeArgs: EventArgsDecoder;
}

/** The events of `abis` by selector, compiled; of two events with one selector, the later one. */
function compileEvents(abis: readonly Abi[]): Map<Hex, CompiledEvent> {
  const events = new Map<Hex, CompiledEvent>();
  for (const abi of abis) {
    for (const item of abi) {
      // An anonymous event has no selector in topic0.
      if (item.type === "event" && !item.anonymous) events.set(toEventSelector(item), { abiEvent: item, decodeArgs: compileEventDecoder(item) });
    }
  }
  return events;
}

export type LogDecoder<name extends string = string> = (log: Pick<RawLog, "address" | "topics" | "data">) => DecodeResult<DecodedContractLog<name>>;

/** Decodes logs with the ABI of the contract that emitted them, by (address, topic0). */
export function createLogDecoder<name extends string>(contracts: readonly DecodableContract<name>[]): LogDecoder<name> {
  const byAddress = new Map<string, { name: name; events: Map<Hex, CompiledEvent> }>();
  for (const contract of contracts) byAddress.set(contract.address.toLowerCase(), { name: contract.name, events: compileEvents([contract.abi]) });
  return (log) => {
    // The indexer's logs are lower-case already: look up as given first, no string built per log.
    const contract = byAddress.get(log.address) ?? byAddress.get(log.address.toLowerCase());
    const selector = log.topics[0];
    const compiled = selector === undefined ? undefined : contract?.events.get(selector);
    if (contract === undefined || compiled === undefined) return { kind: "unknown" };
    try {
      const args = compiled.decodeArgs(log.topics, log.data);
      return { kind: "decoded", event: { contract: contract.name, abiEvent: compiled.abiEvent, eventName: compiled.abiEvent.name, args } };
    } catch (error) {
      return { kind: "undecodable", error };
    }
  };
}

export interface SelectorDecoder {
  /** The event a topic0 selects, without decoding anything. */
  event(selector: Hex | undefined): AbiEvent | undefined;
  decode(log: Pick<RawLog, "topics" | "data">): DecodeResult;
}

/** Decodes logs by topic0 alone, whichever contract emitted them. */
export function createSelectorDecoder(abis: readonly Abi[]): SelectorDecoder {
  const events = compileEvents(abis);
  return {
    event: (selector) => (selector === undefined ? undefined : events.get(selector)?.abiEvent),
    decode(log) {
      const compiled = log.topics[0] === undefined ? undefined : events.get(log.topics[0]);
      if (compiled === undefined) return { kind: "unknown" };
      try {
        return { kind: "decoded", event: { abiEvent: compiled.abiEvent, eventName: compiled.abiEvent.name, args: compiled.decodeArgs(log.topics, log.data) } };
      } catch (error) {
        return { kind: "undecodable", error };
      }
    },
  };
}
