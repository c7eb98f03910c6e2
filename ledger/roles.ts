/** Role ids in the ledger's AccessManager: the TypeScript twin of `contracts/libraries/Roles.sol`. */
export const ROLE_IDS = {
  ADMIN: 0n,
  REGISTRAR: 1n,
  REVIEWER: 2n,
  DATA_AUTHORITY: 3n,
  ARBITRATOR: 4n,
  SETTLER: 5n,
  COURT: 6n,
} as const;
