import { accessManagerAbi } from "../../abi.js";
import { key } from "../keys.js";
import type { RoleRecord } from "../records.js";
import { at } from "./event.js";
import { contractReducer } from "./handlers.js";

/** contracts/access/LedgerAccessManager.sol: role memberships. */
export const ledgerAccessManager = contractReducer("LedgerAccessManager", accessManagerAbi, {
  RoleGranted: ({ event, args, docs }) => {
    const role: RoleRecord = {
      roleId: args.roleId.toString(),
      account: args.account,
      at: at(event),
    };
    docs.write(key.role(args.roleId, args.account), role);
  },
  RoleRevoked: ({ args, docs }) => {
    docs.delete(key.role(args.roleId, args.account));
  },
});
