import type { Command } from "commander";
import { erc20Abi, type Address } from "viem";

import { proposeSettlement } from "../../ledger/state/index.js";
import { progressOn, ledgerStateAt } from "../chainData.js";
import type { CliContext } from "../context.js";
import { FailureError, InputError } from "../io.js";
import { knownRefusal } from "../refusals.js";
import { parseSettlementFile, settlementFileOf } from "../settlementFile.js";
import { ABIS, type TxResult } from "../tx.js";
import { parseAddress, parseAmount, parseDecimals, parseHash, parseId, parseUint } from "../validate.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Approves `spender` for `amount` of the settlement token when the allowance is short: deposits and bonds
 * are pulled by the contract.
 */
export async function ensureAllowance(cli: CliContext, spender: Address, amount: bigint, action: string): Promise<TxResult | undefined> {
  const { client, deployment } = await cli.connection();
  const owner = cli.account().account.address;
  const token = (await client.readContract({ address: deployment.addresses.RevenueVault, abi: ABIS.RevenueVault, functionName: "settlementToken" })) as Address;
  // A short balance is said plainly, before an approval is spent on a payment that cannot go through.
  const balance = await client.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [owner] });
  if (balance < amount) throw new FailureError(`${action}: ${owner} holds ${balance} of the settlement token ${token}, less than ${amount}`, { balance, needed: amount });
  const allowance = await client.readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [owner, spender] });
  if (allowance >= amount) return undefined;
  const call = { action: `${action}: approve the settlement token`, contract: { address: token, abi: erc20Abi }, functionName: "approve", args: [spender, amount] };
  return cli.send(call, { print: false });
}

/** The block of the last settlement or rejection of a product and policy version (0: none). */
async function lastSettlementBlock(cli: CliContext, productId: bigint, policyVersion: number): Promise<bigint> {
  const { client, deployment } = await cli.connection();
  return BigInt(
    (await client.readContract({ address: deployment.addresses.RevenueVault, abi: ABIS.RevenueVault, functionName: "lastSettlementBlock", args: [productId, policyVersion] })) as bigint | number,
  );
}

/** Revenue: deposits, settlements (propose from chain data, submit, challenge) and multi-epoch claims. */
export function registerRevenue(program: Command, cli: CliContext): void {
  program
    .command("deposit")
    .description("deposit revenue of a product in the settlement token (approves the vault when needed)")
    .argument("<product>", "product id")
    .argument("<amount>", "amount, in the token's smallest unit, or a decimal with --units")
    .option("--units <decimals>", "the token's decimals, to give the amount as a decimal (12800.00 with --units 2)")
    .option("--payer-ref <hash>", "the payer's reference (an order id hash)", `0x${"00".repeat(32)}`)
    .action(async (product: string, amount: string, opts: { units?: string; payerRef: string }) => {
      const productId = parseId("product", product);
      const value = parseAmount("amount", amount, parseDecimals("--units", opts.units));
      const payerRef = parseHash("--payer-ref", opts.payerRef, { allowZero: true });
      cli.account();
      const { deployment } = await cli.connection();
      const approval = await ensureAllowance(cli, deployment.addresses.RevenueVault, value, "deposit");
      await cli.send({ action: "deposit", contract: "RevenueVault", functionName: "deposit", args: [productId, value, payerRef] }, { before: approval });
    });

  const settlement = program.command("settlement").description("revenue settlements (RevenueVault)");

  settlement
    .command("propose")
    .description(
      "compute the settlement of a product's unsettled revenue from chain data (no indexer), with every party's leaf and proof; " +
        "after a rejected, partly claimed settlement it credits what was claimed",
    )
    .argument("<product>", "product id")
    .option("--policy-version <v>", "the policy version whose deposits to settle (default: the product's current one)")
    .option("--block <n>", "the state block (default: the latest block); not before the last settlement or rejection of the product and version")
    .option("--out <file>", "write the settlement file (for `settlement submit --from` and `claim --proof`)")
    .option("--log-chunk <blocks>", "blocks per getLogs request", "5000")
    .action(async (product: string, opts: { policyVersion?: string; block?: string; out?: string; logChunk: string }) => {
      const productId = parseId("product", product);
      const requestedVersion = opts.policyVersion === undefined ? undefined : Number(parseUint("--policy-version", opts.policyVersion, 32));
      const requestedBlock = opts.block === undefined ? undefined : parseUint("--block", opts.block, 64);
      parseUint("--log-chunk", opts.logChunk, 32);
      const connection = await cli.connection();
      const { client, deployment, chainId } = connection;
      const latest = await client.getBlockNumber();
      const stateBlock = requestedBlock ?? latest;
      if (stateBlock > latest) throw new InputError(`--block: ${stateBlock} is after the latest block ${latest}`, { argument: "--block" });
      const policyVersion =
        requestedVersion ??
        Number(((await client.readContract({ address: deployment.addresses.ContributionLedger, abi: ABIS.ContributionLedger, functionName: "splitPolicy", args: [productId] })) as { version: number }).version);
      // A settlement reads the state at or after the last settlement or rejection of its product and version,
      // so that a rejected epoch's claims are credited exactly once (RevenueVaultStaleStateBlock).
      const last = await lastSettlementBlock(cli, productId, policyVersion);
      if (stateBlock < last) {
        throw new InputError(
          `--block: ${stateBlock} precedes the last settlement or rejection of product ${productId} under policy version ${policyVersion} (block ${last}): ` +
            "a settlement reads the state at or after it (omit --block for the latest block)",
          { argument: "--block", lastSettlementBlock: last },
        );
      }
      const { state } = await ledgerStateAt(connection, stateBlock, progressOn(cli.io.stderr, "reading logs"));
      const proposal = proposeSettlement(state, productId, policyVersion, stateBlock);
      if (proposal === undefined) throw new FailureError(`product ${productId} has nothing unsettled under policy version ${policyVersion} as of block ${stateBlock}`, { productId, policyVersion });
      const file = settlementFileOf(chainId, deployment.addresses.RevenueVault, proposal);
      if (opts.out !== undefined) await cli.writeJsonFile(opts.out, file);
      if (cli.json) cli.out({ ok: true, ...file });
      else {
        cli.line(
          [
            `settlement of product ${productId}, policy version ${policyVersion}, as of block ${stateBlock}:`,
            `  amount ${file.amount}; Merkle root ${file.merkleRoot}; inputs hash ${file.inputsHash}`,
            ...file.leaves.map((leaf) => `  leaf ${leaf.index}: ${leaf.account} ${leaf.amount}`),
            opts.out === undefined ? "  (pass --out file.json to keep the proofs)" : `  written to ${opts.out}`,
          ].join("\n"),
        );
      }
    });

  settlement
    .command("submit")
    .description("post a settlement computed by `settlement propose` (settler); stamps the file with the epoch id")
    .requiredOption("--from <file>", "the settlement file")
    .action(async (opts: { from: string }) => {
      const file = parseSettlementFile(opts.from, await cli.readJsonFile(opts.from, "--from"));
      if (file.epochId !== undefined) throw new InputError(`--from: ${opts.from} was already submitted as epoch ${file.epochId}`, { argument: "--from" });
      cli.account();
      const { chainId, deployment } = await cli.connection();
      if (file.chainId !== chainId || file.vault.toLowerCase() !== deployment.addresses.RevenueVault.toLowerCase()) {
        throw new InputError(`--from: ${opts.from} is for chain ${file.chainId} vault ${file.vault}, not this deployment`, { argument: "--from" });
      }
      const last = await lastSettlementBlock(cli, BigInt(file.productId), file.policyVersion);
      if (BigInt(file.stateBlock) < last) {
        // Settled or rejected since the file was proposed: its split would take a rejected epoch's credits again.
        throw knownRefusal("settlement submit", "RevenueVaultStaleStateBlock", { stateBlock: BigInt(file.stateBlock), lastSettlementBlock: last });
      }
      const args = [BigInt(file.productId), file.policyVersion, BigInt(file.amount), file.merkleRoot, BigInt(file.stateBlock), file.inputsHash];
      const result = await cli.send({ action: "settlement submit", contract: "RevenueVault", functionName: "settle", args });
      const epochId = result.ids.epochId?.[0];
      if (epochId !== undefined) {
        const { parsedLeaves: _parsed, ...plain } = file;
        await cli.writeJsonFile(opts.from, { ...plain, epochId: epochId.toString() });
      }
    });

  settlement
    .command("challenge")
    .description("reject a settlement during its challenge window (arbitrator); what was claimed before is credited by the next settlement")
    .argument("<epoch>", "epoch id")
    .argument("<reason-hash>", "hash of the reasons")
    .action(async (epoch: string, reasonHash: string) => {
      await cli.send({ action: "settlement challenge", contract: "RevenueVault", functionName: "reject", args: [parseId("epoch", epoch), parseHash("reason-hash", reasonHash)] });
    });

  program
    .command("claim")
    .description("claim your leaves of one or more settlements in one transaction")
    .requiredOption("--proof <file>", "a settlement file stamped with its epoch id; repeatable (several epochs and products)", collect)
    .option("--epoch <id>", "the epoch of a single file not stamped by `settlement submit`")
    .option("--leaf-account <address>", "the account of the leaves (a predecessor you succeeded); default: yours")
    .option("--recipient <address>", "who is paid (default: you)")
    .action(async (opts: { proof: string[]; epoch?: string; leafAccount?: string; recipient?: string }) => {
      const signer = cli.account().account.address;
      const leafAccount = (opts.leafAccount === undefined ? signer : parseAddress("--leaf-account", opts.leafAccount)).toLowerCase();
      const recipient = opts.recipient === undefined ? signer : parseAddress("--recipient", opts.recipient);
      if (opts.epoch !== undefined && opts.proof.length > 1) throw new InputError("--epoch: only with a single --proof file", { argument: "--epoch" });
      const claims = [];
      for (const path of opts.proof) {
        const file = parseSettlementFile(path, await cli.readJsonFile(path, "--proof"));
        const epochId = opts.epoch !== undefined ? parseId("--epoch", opts.epoch) : file.epochId !== undefined ? BigInt(file.epochId) : undefined;
        if (epochId === undefined) throw new InputError(`--proof: ${path} has no epoch id (submit it, or pass --epoch)`, { argument: "--proof" });
        const leaf = file.parsedLeaves.find((l) => l.account === leafAccount);
        if (leaf === undefined) throw new InputError(`--proof: ${path} has no leaf for ${leafAccount}`, { argument: "--proof" });
        claims.push({ epochId, index: leaf.index, account: leaf.account, amount: leaf.amount, proof: leaf.proof });
      }
      if (opts.leafAccount !== undefined) {
        const { client, deployment } = await cli.connection();
        const escrow = (await client.readContract({ address: deployment.addresses.RevenueVault, abi: ABIS.RevenueVault, functionName: "isEscrowAccount", args: [leafAccount] })) as boolean;
        if (escrow) {
          throw new InputError(
            "--leaf-account: that is a dispute's escrow account: its leaves are never claimed, the court releases them as the ruling says (`provenance dispute release-escrow`)",
            { argument: "--leaf-account" },
          );
        }
      }
      await cli.send({ action: "claim", contract: "RevenueVault", functionName: "claim", args: [claims, recipient] });
    });
}
