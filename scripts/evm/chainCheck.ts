/**
 * Whether a chain runs the EVM the contracts were built for, asked before any transaction is sent.
 *
 * Each probe is init code run by an `eth_call` without `to` (a simulated contract creation: nothing is sent,
 * no nonce or block changes) that executes the opcodes its EVM version brought and stops. A client that lacks
 * one refuses (anvil: "EVM error NotActivated", geth: "invalid opcode: PUSH0", Besu: "INVALID_OPERATION"), so the
 * check does not depend on any client's wording: the probe of the target fails while a baseline `STOP` succeeds.
 */
import { DEFAULT_EVM_VERSION, EVM_VERSIONS, type EvmVersion } from "./build.js";

/** An EIP-1193 request function (Hardhat's `connection.provider.request`, viem's, or a bare JSON-RPC client). */
export type Eip1193Request = (args: { method: string; params?: unknown[] }) => Promise<unknown>;

/** The opcodes each version brought that the probe runs (Berlin's are Istanbul's; Paris renamed DIFFICULTY only). */
const NEW_OPCODES: Record<EvmVersion, { names: string[]; code: string }> = {
  // CHAINID POP SELFBALANCE POP (EIP-1344, EIP-1884): EIP-712 domains read the chain id.
  berlin: { names: ["CHAINID", "SELFBALANCE"], code: "46504750" },
  // BASEFEE POP (EIP-3198).
  london: { names: ["BASEFEE"], code: "4850" },
  paris: { names: [], code: "" },
  // PUSH0 POP (EIP-3855).
  shanghai: { names: ["PUSH0"], code: "5f50" },
  // PUSH0 TLOAD POP, PUSH0 PUSH0 TSTORE (EIP-1153), PUSH0 PUSH0 PUSH0 MCOPY (EIP-5656).
  cancun: { names: ["TLOAD/TSTORE", "MCOPY"], code: "5f5c50" + "5f5f5d" + "5f5f5f5e" },
};

/** Init code that runs every opcode of `version` and of the versions before it, then STOPs. */
export function probeCode(version: EvmVersion): string {
  const upTo = EVM_VERSIONS.slice(0, EVM_VERSIONS.indexOf(version) + 1);
  return "0x" + upTo.map((each) => NEW_OPCODES[each].code).join("") + "00";
}

const TITLE: Record<EvmVersion, string> = { berlin: "Berlin", london: "London", paris: "Paris", shanghai: "Shanghai", cancun: "Cancun" };

/** The chain lacks opcodes the chosen build needs, or could not be probed: one line naming what to change. */
export class ChainEvmMismatchError extends Error {
  override name = "ChainEvmMismatchError";
  constructor(
    message: string,
    /** The newest version whose opcodes the chain ran, undefined if none (or the probe itself failed). */
    readonly chainRuns: EvmVersion | undefined,
  ) {
    super(message);
  }
}

async function runs(request: Eip1193Request, code: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await request({ method: "eth_call", params: [{ data: code }, "latest"] });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message.split("\n")[0] ?? String(error) };
  }
}

/**
 * Resolves if the chain runs `evmVersion`'s opcodes; otherwise throws a ChainEvmMismatchError whose one-line
 * message starts with `describe` (e.g. from {@link describeChain}) and names LEDGER_EVM_VERSION and the newest
 * version the chain runs. Only `eth_call`s: nothing is sent.
 */
export async function checkChainRuns(request: Eip1193Request, evmVersion: EvmVersion, describe: string): Promise<void> {
  if ((await runs(request, probeCode(evmVersion))).ok) return;
  const baseline = await runs(request, "0x00");
  if (!baseline.ok) {
    throw new ChainEvmMismatchError(
      `${describe} did not run the EVM version probe (an eth_call of init code that only STOPs: ${baseline.reason}), so it cannot be checked against the ${TITLE[evmVersion]} build: set LEDGER_EVM_VERSION to the chain's EVM version (${EVM_VERSIONS.join(", ")})`,
      undefined,
    );
  }
  const older = EVM_VERSIONS.slice(0, EVM_VERSIONS.indexOf(evmVersion));
  let chainRuns: EvmVersion | undefined;
  for (const version of [...older].reverse()) {
    if ((await runs(request, probeCode(version))).ok) {
      chainRuns = version;
      break;
    }
  }
  const missing = EVM_VERSIONS.slice(chainRuns === undefined ? 0 : EVM_VERSIONS.indexOf(chainRuns) + 1, EVM_VERSIONS.indexOf(evmVersion) + 1).flatMap(
    (version) => NEW_OPCODES[version].names,
  );
  const advice =
    chainRuns === undefined
      ? `the ledger needs an EVM of ${TITLE[EVM_VERSIONS[0]]} or newer`
      : `set LEDGER_EVM_VERSION to the chain's EVM version (${older.join(", ")}; it runs ${chainRuns}'s opcodes)`;
  const built = evmVersion === DEFAULT_EVM_VERSION ? "built for" : `built for (LEDGER_EVM_VERSION=${evmVersion})`;
  throw new ChainEvmMismatchError(`${describe} does not run the ${TITLE[evmVersion]} opcodes the contracts are ${built} (${missing.join(", ")}): ${advice}`, chainRuns);
}

/** "the chain at <url> (chain id 7777, anvil/v1.7.1)": the client's name only if it tells it. */
export async function describeChain(request: Eip1193Request, url: string): Promise<string> {
  const chainId = Number(BigInt((await request({ method: "eth_chainId" })) as string));
  let client = "";
  try {
    client = `, ${String(await request({ method: "web3_clientVersion" }))}`;
  } catch {
    // Optional: some nodes do not expose the web3 namespace.
  }
  return `the chain at ${url} (chain id ${chainId}${client})`;
}
