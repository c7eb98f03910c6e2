import canonicalize from "canonicalize";
import { keccak256, stringToBytes, type Hex } from "viem";

/**
 * RFC 8785 (JSON Canonicalization Scheme) through the `canonicalize` package: the one byte form of a JSON
 * document whatever its key order or spacing. What the ledger records of an off-chain document (a party's
 * profile, an asset card, a review report) is keccak256 of these bytes.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("not a JSON value");
  return text;
}

/** keccak256 of the document's RFC 8785 canonical JSON (UTF-8): the hash the chain records of it. */
export function canonicalHash(value: unknown): Hex {
  return keccak256(stringToBytes(canonicalJson(value)));
}
