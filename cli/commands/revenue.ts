import { Option, type Command } from "commander";
import { erc20Abi, formatUnits, type Address } from "viem";

import { isEscrowAccount } from "../../ledger/split/index.js";
import { proposeSettlement } from "../../ledger/state/index.js";
import { progressOn, ledgerStateAt } from "../chainData.js";
import { gatherClaims, type ClaimLeaf } from "../claims.js";
import { DEFAULT_API_URL, type CliContext } from "../context.js";
import { FailureError, InputError } from "../io.js";
import { knownRefusal } from "../refusals.js";
import { parseSettlementFile, settlementFileOf } from "../settlementFile.js";
import { checkUnits, formatToken, settlementToken, type SettlementToken } from "../token.js";
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
      const units = parseDecimals("--units", opts.units);
      const value = parseAmount("amount", amount, units);
      const payerRef = parseHash("--payer-ref", opts.payerRef, { allowZero: true });
      cli.account();
      const { deployment } = await cli.connection();
      await checkUnits(cli, units);
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
    .description("claim your leaves of one or more settlements in one transaction, and print what was paid to whom")
    .option("--epoch <ids>", "a settlement to claim (repeatable, or a comma list: --epoch 2,3): its leaf and proof from the API, or rebuilt from the chain", collect)
    .option("--proof <file>", "a leaf and proof you hold (repeatable): the API's claim document, or the settler's settlement file", collect)
    .option("--for <account>", "the account of the leaves, when it is a predecessor you succeeded (default: yours)")
    .addOption(new Option("--leaf-account <address>", "the same as --for").hideHelp())
    .option("--recipient <address>", "who is paid (default: you)")
    .option("--api-url <url>", `the ledger's API (env PROVENANCE_API_URL, default ${DEFAULT_API_URL}: what \`npm start\` serves)`)
    .option("--from-chain", "rebuild each --epoch's leaf and proof from chain data, without asking the API")
    .addHelpText(
      "after",
      `
Claiming with only what you are shown:
  the contributor page (and GET /settlements/<epoch>/claims/<your address>) lists your settlements: claim them by number,
    provenance claim --epoch 2,3
  Each leaf and its Merkle proof come from the API; when the API does not answer (or with --from-chain) they are
  rebuilt from chain data, which takes longer. Nothing the API says is trusted: every leaf is checked against the
  Merkle root posted on chain before anything is sent. A saved claim document works too:
    curl -s ${DEFAULT_API_URL}/settlements/2/claims/0xYou > leaf-2.json && provenance claim --proof leaf-2.json
  A settlement that cannot be claimed (already claimed, no leaf of yours, in its challenge window, paused or
  rejected) stops the claim before anything is sent, naming each: exit 2 when every one of them was named wrongly
  (no such settlement, no leaf of yours), 1 when the contract would refuse one. A successor claims its
  predecessor's leaves with --for <predecessor>. The output names, for each settlement, the leaf's account, the amount
  in the token's units and the transaction; --json prints amounts as decimal strings.`,
    )
    .action(
      async (opts: { epoch?: string[]; proof?: string[]; for?: string; leafAccount?: string; recipient?: string; apiUrl?: string; fromChain?: boolean }) => {
        const signer = cli.account().account.address;
        if (opts.for !== undefined && opts.leafAccount !== undefined) throw new InputError("--for and --leaf-account: give one (they mean the same)", { argument: "--for" });
        const forAccount = opts.for ?? opts.leafAccount;
        const account = forAccount === undefined ? signer : parseAddress("--for", forAccount);
        const recipient = opts.recipient === undefined ? signer : parseAddress("--recipient", opts.recipient);
        const epochs = [...new Set((opts.epoch ?? []).flatMap((list) => list.split(",")).map((id) => parseId("--epoch", id.trim())))];
        const apiUrl = cli.apiUrl(opts.apiUrl);
        const proofFiles = opts.proof ?? [];
        if (epochs.length === 0 && proofFiles.length === 0) {
          throw new InputError("name the settlements to claim: --epoch <id>[,<id>…] (as the contributor page lists them), or --proof <file>", { argument: "--epoch" });
        }
        if (isEscrowAccount(account)) {
          throw new InputError(
            "--for: that is a dispute's escrow account: its leaves are never claimed, the court releases them as the ruling says (`provenance dispute release-escrow`)",
            { argument: "--for" },
          );
        }
        const claims = await gatherClaims(cli, { account, signer, proofFiles, epochs, fromChain: opts.fromChain === true, apiUrl });
        const args = [claims.map(({ epochId, leaf }) => ({ epochId, index: leaf.index, account: leaf.account, amount: leaf.amount, proof: leaf.proof })), recipient];
        const result = await cli.send({ action: "claim", contract: "RevenueVault", functionName: "claim", args }, { print: false });
        printClaimed(cli, result, claims, await settlementToken(cli));
      },
    );
}

/** What the receipt says was paid (its RevenueClaimed events), per settlement and in all, in the token's units. */
function printClaimed(cli: CliContext, result: TxResult, claims: readonly ClaimLeaf[], token: SettlementToken): void {
  const paid = result.events
    .filter((event) => event.eventName === "RevenueClaimed")
    .map(({ args }) => ({
      epochId: args.epochId as bigint,
      productId: args.productId as bigint,
      account: args.account as Address,
      index: args.index as bigint,
      amount: args.amount as bigint,
      recipient: args.recipient as Address,
    }));
  const total = paid.reduce((sum, claim) => sum + claim.amount, 0n);
  const recipient = paid[0]?.recipient;
  const sourceOf = (epochId: bigint) => claims.find((c) => c.epochId === epochId)?.source;
  const decimal = (amount: bigint) => (token.decimals === undefined ? null : formatUnits(amount, token.decimals));
  const lines = paid.map((claim) => {
    const successor = claim.account.toLowerCase() === result.from.toLowerCase() ? "" : ` (claimed by its successor ${result.from})`;
    const source = sourceOf(claim.epochId);
    const from = source === undefined ? "" : source.kind === "api" ? ", leaf from the API" : source.kind === "chain" ? ", leaf rebuilt from the chain" : `, leaf from ${source.path}`;
    return `settlement ${claim.epochId} (product ${claim.productId}): leaf ${claim.index} of ${claim.account}${successor}: ${formatToken(claim.amount, token)}${from}`;
  });
  lines.push(`paid ${formatToken(total, token)} in all to ${recipient ?? "nobody"}`);
  cli.printTx(result, undefined, {
    lines,
    fields: {
      token: { address: token.address, symbol: token.symbol ?? null, decimals: token.decimals ?? null },
      recipient: recipient ?? null,
      total,
      totalDecimal: decimal(total),
      claims: paid.map((claim) => ({ ...claim, amountDecimal: decimal(claim.amount), source: sourceOf(claim.epochId)?.kind ?? null })),
    },
  });
}
