import { getAddress } from "viem";

import { DigestBlockError } from "../../indexer/index.js";
import { conflict, notFound, unavailable } from "../problems.js";
import { defineRoute } from "../route.js";
import { BlockInput, Ledger, query, StateDigest } from "../schemas.js";

export const ledgerRoutes = [
  defineRoute({
    path: "/ledger",
    tag: "ledger",
    summary: "The deployment: chain, contracts and the settlement token (what amounts are counted in)",
    response: Ledger,
    handle: (_input, { deployment }) => ({
      chainId: deployment.chainId,
      contracts: Object.fromEntries(Object.entries(deployment.contracts).map(([name, address]) => [name, getAddress(address)])),
      settlementToken:
        deployment.settlementToken === undefined ? null : { ...deployment.settlementToken, address: getAddress(deployment.settlementToken.address) },
    }),
  }),
  defineRoute({
    path: "/ledger/digest",
    tag: "ledger",
    summary: "The state digest at a block (default: the indexed block): replicas of one chain agree on it",
    description:
      "Every node is a deterministic function of the chain: two nodes with the same reducer version have the same digest at the same block " +
      "(`provenance nodes compare` asks two of them). 409 for a block the node has not indexed yet (the detail says where it is), 404 for a " +
      "block before the deployment.",
    query: query({ atBlock: BlockInput.optional().openapi({ description: "The block (default: the indexed block)" }) }),
    response: StateDigest,
    problems: [404, 409, 503],
    async handle({ query: { atBlock } }, { sources }) {
      if (sources.digest === undefined) throw unavailable("this node computes no state digest");
      const { indexedBlock } = await sources.status();
      try {
        const digest = await sources.digest.at(atBlock ?? indexedBlock);
        return { ...digest, reducerVersion: sources.digest.reducerVersion };
      } catch (error) {
        if (!(error instanceof DigestBlockError)) throw error;
        if (error.reason === "not-indexed") throw conflict(`${error.message}: ask again later, or for an earlier block`);
        throw notFound(error.message);
      }
    },
  }),
];
