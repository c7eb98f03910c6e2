import type { Command } from "commander";
import { parseAbi, type Address, type EIP1193RequestFn } from "viem";

import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { describeNode, devAccount, probeNode, type NodeInfo } from "../connection.js";
import type { CliContext } from "../context.js";
import { InputError } from "../io.js";
import { formatDuration, isoDate } from "../time.js";
import { checkUnits, formatToken, settlementToken } from "../token.js";
import { parseAddress, parseAmount, parseDate, parseDecimals, parseDuration, parseUint } from "../validate.js";

/** The test token's own function (ignition/modules/TestToken.ts, contracts/mocks/TestToken.sol): anyone may mint. */
const TEST_TOKEN_ABI = parseAbi(["function mint(address to, uint256 amount)", "function balanceOf(address account) view returns (uint256)"]);

/** Marks the group and each of its commands in `--help`. */
const EMBEDDED_ONLY = "[embedded chain only]";

/**
 * The node, when it is a local dev chain (see `isDevChain`); otherwise the one line that says why the
 * command is refused, before any deployment is read or anything sent (exit 2, as `--account` off a dev chain).
 */
async function devChain(cli: CliContext, command: string): Promise<NodeInfo> {
  const node = await probeNode(cli.options, cli.io);
  if (!node.devChain) {
    throw new InputError(
      `${command}: embedded chain only: ${describeNode(node)} is not a local Hardhat or anvil dev chain (chain id 31337), nothing was sent`,
      { argument: command, chainId: node.chainId, clientVersion: node.clientVersion ?? null },
    );
  }
  return node;
}

/** A dev node's own JSON-RPC methods (`evm_*`), which viem's public client does not type. */
function devRpc(node: NodeInfo, method: string, params: readonly unknown[]): Promise<unknown> {
  return (node.client.request as unknown as EIP1193RequestFn)({ method, params } as never);
}

/** `<account>`: an address, or the index of a Hardhat dev account (as `--account <index>` takes). */
function parseRecipient(name: string, raw: string): Address {
  if (/^\d+$/.test(raw.trim())) {
    const index = Number(parseUint(name, raw, 16));
    if (index > 999) throw new InputError(`${name}: ${index} is not one of the dev chain's accounts (0..999)`, { argument: name });
    return devAccount(index).address;
  }
  return parseAddress(name, raw);
}

/** Helpers for the embedded chain of `npm start` (or any local Hardhat or anvil node): test tokens and the clock. */
export function registerDev(program: Command, cli: CliContext): void {
  const dev = program
    .command("dev")
    .description(`${EMBEDDED_ONLY} test tokens and the chain's clock on the local dev chain; refused on any other chain`);

  dev
    .command("mint")
    .description(
      `${EMBEDDED_ONLY} mint the deployment's test settlement token (LTY, anyone may mint it) to an account: revenue to deposit, bonds to pay`,
    )
    .argument("<account>", "who receives it: an address, or a dev account's index (7: the account `--account 7` signs with)")
    .argument("<amount>", "amount, in the token's smallest unit, or a decimal with --units")
    .option("--units <decimals>", "the token's decimals, to give the amount as a decimal (500.00 with --units 2)")
    .action(async (account: string, amount: string, opts: { units?: string }) => {
      const to = parseRecipient("account", account);
      const units = parseDecimals("--units", opts.units);
      const value = parseAmount("amount", amount, units);
      cli.account();
      await devChain(cli, "dev mint");
      const connection = await cli.connection();
      const token = await settlementToken(cli);
      // Only the test token mints for anyone; a deployment settling in a real ERC-20 has no faucet here.
      const recorded = (await readIgnitionDeployment(connection.deployment.dir)).contracts.find((c) => c.name === "TestToken");
      if (recorded === undefined || recorded.address.toLowerCase() !== token.address.toLowerCase()) {
        throw new InputError(
          `dev mint: the deployment's settlement token ${token.address} is not the test token (ignition/modules/TestToken.ts): only its issuer mints it`,
          { argument: "dev mint", settlementToken: token.address },
        );
      }
      await checkUnits(cli, units);
      const result = await cli.send({ action: "dev mint", contract: { address: token.address, abi: TEST_TOKEN_ABI }, functionName: "mint", args: [to, value] }, { print: false });
      const balance = await connection.client.readContract({ address: token.address, abi: TEST_TOKEN_ABI, functionName: "balanceOf", args: [to] });
      cli.printTx(result, undefined, {
        lines: [`minted ${formatToken(value, token)} to ${to}; it holds ${formatToken(balance, token)}`],
        fields: { minted: { to, amount: value, balance } },
      });
    });

  dev
    .command("advance-time")
    .description(
      `${EMBEDDED_ONLY} move the chain's clock forward (evm_increaseTime, then evm_mine one block): past a public notice, a challenge ` +
        "window, a dispute's answer period; prints the new chain time",
    )
    .argument("[duration]", "how far: 7d, 3d1h, 90m, 3600s (units w, d, h, m, s)")
    .option("--to <date>", "to this moment instead (ISO 8601 such as 2026-01-08T10:00:00Z, or unix seconds)")
    .action(async (rawDuration: string | undefined, opts: { to?: string }) => {
      if ((rawDuration === undefined) === (opts.to === undefined)) {
        throw new InputError("duration: give how far to move the clock (7d, 3d1h, 3600s) or --to <date>, one of the two", { argument: "duration" });
      }
      const duration = rawDuration === undefined ? undefined : parseDuration("duration", rawDuration);
      const target = opts.to === undefined ? undefined : parseDate("--to", opts.to);
      const node = await devChain(cli, "dev advance-time");
      const before = (await node.client.getBlock({ blockTag: "latest" })).timestamp;
      if (target !== undefined && target <= before) {
        throw new InputError(`--to: the chain's clock is already at ${isoDate(before)}, after ${isoDate(target)}: it only moves forward`, { argument: "--to" });
      }
      const seconds = duration ?? target! - before;
      await devRpc(node, "evm_increaseTime", [Number(seconds)]);
      await devRpc(node, "evm_mine", []);
      const block = await node.client.getBlock({ blockTag: "latest" });
      const value = { before: isoDate(before), now: isoDate(block.timestamp), advancedBy: block.timestamp - before, blockNumber: block.number };
      cli.result(value, `chain time: ${value.now} (was ${value.before}, ${formatDuration(block.timestamp - before)} later), block ${block.number}`);
    });
}
