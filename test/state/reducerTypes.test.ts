import { expect } from "chai";

import { accessManagerAbi, assetRegistryAbi } from "../../ledger/abi.js";
import { contractReducer } from "../../ledger/state/reducers/handlers.js";

/**
 * The reducers' handlers are typed from the ABIs: `npx tsc --noEmit` fails if an `@ts-expect-error` below
 * stops being an error (a misspelt event or argument compiling again). At run time an unknown event name
 * is refused when the handlers are declared.
 */
describe("ledger state: handlers typed from the ABIs", () => {
  it("types each handler's args as its event's decoded arguments", () => {
    const reducer = contractReducer("LedgerAccessManager", accessManagerAbi, {
      RoleGranted: ({ args }) => {
        const roleId: bigint = args.roleId;
        const account: string = args.account;
        // @ts-expect-error a uint64 decodes to a bigint, not a number
        const wrong: number = args.roleId;
        // @ts-expect-error RoleGranted has no argument `roleID`
        void args.roleID;
        void [roleId, account, wrong];
      },
    });
    expect([...reducer.handlers.keys()]).to.deep.equal(["RoleGranted"]);
  });

  it("refuses an event name the contract's ABI does not have", () => {
    expect(() =>
      contractReducer("AssetRegistry", assetRegistryAbi, {
        // @ts-expect-error AssetRegistry has no event `PartyRegisterd`
        PartyRegisterd: () => {},
      }),
    ).to.throw(/AssetRegistry has no event PartyRegisterd/);
  });
});
