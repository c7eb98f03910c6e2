import type { Command } from "commander";

import type { CliContext } from "../context.js";
import { FailureError, InputError } from "../io.js";
import { readPostedSettlement, recomputeSettlement } from "../postedSettlement.js";
import { parseId } from "../validate.js";

/** `verify split`: recompute a settled epoch's allocation from chain data and compare it with what was posted. */
export function registerVerify(program: Command, cli: CliContext): void {
  const verify = program.command("verify").description("independent checks from chain data");

  verify
    .command("split")
    .description("recompute a settlement from the chain as of its stateBlock and check its Merkle root and inputs hash (exit 1 on mismatch)")
    .argument("<product>", "product id")
    .argument("<epoch>", "epoch id")
    .action(async (product: string, epoch: string) => {
      const productId = parseId("product", product);
      const epochId = parseId("epoch", epoch);
      const connection = await cli.connection();
      const onChain = await readPostedSettlement(connection, epochId);
      if (onChain.productId !== productId) {
        throw new InputError(`epoch: epoch ${epochId} settles product ${onChain.productId}, not ${productId}`, { argument: "epoch" });
      }
      const { allocation, merkleRoot, inputsHash } = await recomputeSettlement(connection, onChain, cli.io.stderr);
      const rootMatches = merkleRoot === onChain.merkleRoot.toLowerCase();
      const inputsMatch = inputsHash === onChain.inputsHash.toLowerCase();
      const value = {
        productId,
        epochId,
        policyVersion: onChain.policyVersion,
        amount: onChain.amount,
        stateBlock: onChain.stateBlock,
        merkleRoot: { onChain: onChain.merkleRoot, recomputed: merkleRoot, matches: rootMatches },
        inputsHash: { onChain: onChain.inputsHash, recomputed: inputsHash, matches: inputsMatch },
        allocation: allocation.entries.map((e) => ({ account: e.account, amount: e.amount })),
      };
      const verdict = rootMatches && inputsMatch;
      if (cli.json) cli.out({ ok: verdict, ...value });
      else
        cli.line(
          [
            `epoch ${epochId} of product ${productId}: ${onChain.amount} under policy v${onChain.policyVersion}, state at block ${onChain.stateBlock}`,
            `  Merkle root: on chain ${onChain.merkleRoot}, recomputed ${merkleRoot}: ${rootMatches ? "match" : "MISMATCH"}`,
            `  inputs hash: on chain ${onChain.inputsHash}, recomputed ${inputsHash}: ${inputsMatch ? "match" : "MISMATCH"}`,
            ...allocation.entries.map((e) => `  ${e.account} ${e.amount}`),
          ].join("\n"),
        );
      if (!verdict) {
        const which = [rootMatches ? undefined : "the Merkle root", inputsMatch ? undefined : "the inputs hash"].filter(Boolean).join(" and ");
        throw new FailureError(`epoch ${epochId}: ${which} posted on chain ${rootMatches || inputsMatch ? "does" : "do"} not match the split recomputed from chain data`, {
          merkleRootMatches: rootMatches,
          inputsHashMatches: inputsMatch,
        }).afterOutput();
      }
    });
}
