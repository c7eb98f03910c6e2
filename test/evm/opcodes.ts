/**
 * The opcodes of EVM bytecode, read as the EVM reads them: one byte each, PUSH1..PUSH32 followed by 1..32 bytes
 * of data that are not opcodes.
 *
 * What solc emits is code followed by data, and data bytes may be anything (0x5f included), so only the code is
 * read. Runtime code ends with CBOR metadata (its length in the last two bytes). Creation code is the constructor,
 * then the runtime code (metadata included, CODECOPYd out by the constructor), then the constructor's data
 * (via-IR appends e.g. 64 bytes of constants to LedgerAccessManager's): the constructor is the part before the
 * runtime code, and it ends with a complete instruction.
 */
export interface FoundOpcode {
  offset: number;
  opcode: number;
}

/** The code of an artifact: its init code (the constructor) and its runtime code, without metadata or data. */
export function codeOf(artifact: { bytecode: string; deployedBytecode: string }): { initCode: Uint8Array; runtime: Uint8Array } {
  const creation = Buffer.from(artifact.bytecode.replace(/^0x/, ""), "hex");
  const deployed = Buffer.from(artifact.deployedBytecode.replace(/^0x/, ""), "hex");
  const runtimeAt = creation.indexOf(deployed);
  if (runtimeAt === -1) throw new Error("the creation code does not contain the runtime code");
  return { initCode: creation.subarray(0, runtimeAt), runtime: withoutMetadata(deployed) };
}

/** Runtime code without the trailing CBOR metadata solc appends. */
function withoutMetadata(code: Uint8Array): Uint8Array {
  const metadataLength = Buffer.from(code).readUInt16BE(code.length - 2);
  const start = code.length - 2 - metadataLength;
  // solc's CBOR is a map of 2 or 3 entries (ipfs, solc, experimental): it starts with 0xa2 or 0xa3.
  if (start < 0 || (code[start] !== 0xa2 && code[start] !== 0xa3)) throw new Error("the runtime code does not end with solc's CBOR metadata");
  return code.subarray(0, start);
}

/** STOP, JUMP, RETURN, REVERT, INVALID, SELFDESTRUCT: execution does not go on to the next byte. */
const ENDS_BLOCK = new Set([0x00, 0x56, 0xf3, 0xfd, 0xfe, 0xff]);
const JUMPDEST = 0x5b;

/**
 * Every occurrence of one of `wanted` as a reachable opcode of `code`: from offset 0 or a JUMPDEST (solc's jumps
 * are computed, so any JUMPDEST may be a target) up to the next instruction that ends a block. Bytes after such an
 * instruction and before the next JUMPDEST are never executed: via-IR puts data there (RevenueVault's runtime
 * ends with INVALID and the 32-byte ERC-7201 slot of OpenZeppelin's ReentrancyGuard, which ends in 0x5f00).
 * PUSH data is skipped.
 */
export function findOpcodes(code: Uint8Array, wanted: ReadonlySet<number>): FoundOpcode[] {
  const found: FoundOpcode[] = [];
  let reachable = true;
  for (let offset = 0; offset < code.length; offset++) {
    const opcode = code[offset]!;
    if (opcode === JUMPDEST) reachable = true;
    if (reachable && wanted.has(opcode)) found.push({ offset, opcode });
    if (reachable && ENDS_BLOCK.has(opcode)) reachable = false;
    // PUSH1 (0x60) .. PUSH32 (0x7f) carry 1..32 bytes of data.
    if (opcode >= 0x60 && opcode <= 0x7f) offset += opcode - 0x5f;
  }
  return found;
}
