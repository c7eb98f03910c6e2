import type { Address } from "viem";

import { keccak256Into } from "./keccak.js";

/** The shape of an address: 0x and 40 hex digits, any case. Every address check of the project starts here. */
export const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** By character code: 1 digit, 2 a-f, 3 A-F, 0 anything else (in range). */
const CHAR_KIND = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c += 1) CHAR_KIND[c] = 1;
for (let c = 0x61; c <= 0x66; c += 1) CHAR_KIND[c] = 2;
for (let c = 0x41; c <= 0x46; c += 1) CHAR_KIND[c] = 3;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** The lower-case hex digits of the address being checked, as ASCII, and their keccak256. */
const ascii = new Uint8Array(40);
const hash = new Uint8Array(32);

/**
 * Whether the mixed-case address whose lower-case digits are in `ascii` carries a valid EIP-55 checksum:
 * a letter is upper-case exactly when the matching nibble of keccak256(lower-case hex) is 8 or more.
 * (viem's `isAddress` does the same at ten times the cost, which matters at a million contributors.)
 */
function hasValidChecksum(address: string): boolean {
  keccak256Into(ascii, 0, 40, hash, 0);
  for (let i = 0; i < 40; i += 1) {
    const char = address.charCodeAt(i + 2);
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 0x0f;
    if (char >= 0x61 && nibble >= 8) return false; // a-f where A-F is due
    if (char >= 0x41 && char <= 0x46 && nibble < 8) return false; // A-F where a-f is due
  }
  return true;
}

/**
 * Whether an address's letter case is acceptable: all lower or all upper case carries no checksum; mixed
 * case must be the EIP-55 checksum (a typo in a checksummed address is caught). False for a malformed one.
 */
export function hasValidCase(address: string): boolean {
  if (!HEX_ADDRESS.test(address)) return false;
  const digits = address.slice(2);
  const lower = digits.toLowerCase();
  if (digits === lower || digits === digits.toUpperCase()) return true;
  for (let i = 0; i < 40; i += 1) ascii[i] = lower.charCodeAt(i);
  return hasValidChecksum(address);
}

/**
 * The lower-case form of an account address, the form the split engine works and answers in; `undefined`
 * for anything else ({@link addressProblem} says why). All-lower and all-upper hex are taken as they are;
 * mixed case must be a valid checksum (a typo in a checksummed address is caught, as viem and ethers catch
 * it). The zero address is refused: nobody could claim its leaf.
 */
export function toAccount(value: unknown): Address | undefined {
  if (typeof value !== "string" || value.length !== 42 || value.charCodeAt(0) !== 0x30 || value.charCodeAt(1) !== 0x78) {
    return undefined;
  }
  // One pass: every character hex, which letter cases occur, and the lower-case digits for the checksum.
  let lowerLetters = 0;
  let upperLetters = 0;
  let nonZero = 0;
  for (let i = 2; i < 42; i += 1) {
    const code = value.charCodeAt(i);
    const kind = CHAR_KIND[code];
    if (kind === undefined || kind === 0) return undefined;
    if (kind === 2) lowerLetters += 1;
    else if (kind === 3) upperLetters += 1;
    if (code !== 0x30) nonZero += 1;
    ascii[i - 2] = kind === 3 ? code + 0x20 : code;
  }
  if (nonZero === 0) return undefined;
  if (upperLetters === 0) return value as Address;
  if (lowerLetters !== 0 && !hasValidChecksum(value)) return undefined;
  return value.toLowerCase() as Address;
}

/** Why {@link toAccount} refuses `value`. */
export function addressProblem(value: unknown): string {
  if (typeof value !== "string" || !HEX_ADDRESS.test(value)) return "is not a 20-byte hex address";
  if (value.toLowerCase() === ZERO_ADDRESS) return "is the zero address";
  return "has an invalid EIP-55 checksum";
}

/** Nibble values of lower-case hex digits by character code; -1 for anything else. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i += 1) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i += 1) NIBBLE[0x61 + i] = 10 + i;

/**
 * Writes the 20 bytes of a lower-case hex address at `offset`; false (and garbage written) if `address`
 * is not one.
 */
export function writeAddress(target: Uint8Array, offset: number, address: string): boolean {
  if (address.length !== 42 || address.charCodeAt(0) !== 0x30 || address.charCodeAt(1) !== 0x78) return false;
  let bad = 0;
  for (let i = 0; i < 20; i += 1) {
    const high = NIBBLE[address.charCodeAt(2 + 2 * i)] ?? -1;
    const low = NIBBLE[address.charCodeAt(3 + 2 * i)] ?? -1;
    bad |= high | low;
    target[offset + i] = (high << 4) | low;
  }
  return bad >= 0;
}

const TWO_64 = 2n ** 64n;

/** Writes `value` (0 ≤ value < 2^256) as a big-endian 32-byte word at `offset`. */
export function writeUint256(view: DataView, offset: number, value: bigint): void {
  // setBigUint64 takes its argument modulo 2^64.
  view.setBigUint64(offset + 24, value);
  if (value < TWO_64) {
    view.setBigUint64(offset + 16, 0n);
    view.setBigUint64(offset + 8, 0n);
    view.setBigUint64(offset, 0n);
    return;
  }
  view.setBigUint64(offset + 16, value >> 64n);
  view.setBigUint64(offset + 8, value >> 128n);
  view.setBigUint64(offset, value >> 192n);
}
