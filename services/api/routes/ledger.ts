import { getAddress } from "viem";

import { defineRoute } from "../route.js";
import { Ledger } from "../schemas.js";

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
];
