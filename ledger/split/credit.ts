/**
 * Settlements that credit what a rejected settlement already paid (finding F06 of the audit).
 *
 * The court may reject a settlement after some of its leaves were claimed (or escrow leaves released). The
 * vault returns only what was not paid to the product's unsettled revenue; the next settlement of the
 * product and policy version must then credit the payments, or the parties paid before the rejection
 * would be paid twice. With `credits` = what each account was already paid (`C` their sum), the next
 * settlement of `amount`:
 *
 * 1. splits `amount + C` with the split engine ({@link splitRevenue}, same context), giving each account
 *    its share `share_i`;
 * 2. owes each account `target_i = share_i − credit_i`. When no target is negative they sum to `amount`,
 *    and each is the account's amount: every party ends with exactly its share of `amount + C`, which is
 *    the rejected amount when nothing else changed.
 * 3. Otherwise some party was overpaid (the state changed since: a contribution voided, say) and the
 *    amount cannot make everyone whole: it is shared pro rata to what each other party is still owed,
 *    `d_i = max(0, target_i)`: exactly (`amount · d_i / Σd`, bigint rationals), then one largest-remainder
 *    pass with the split engine's rule — the largest fractional parts get a unit each, equal ones the
 *    lower account first.
 *
 * The leaves are the positive amounts, by account ascending; the Merkle tree is built from them as from a
 * plain split. The vault refuses a settlement whose state block precedes the last settlement or rejection
 * of its product and version, so each credit is taken by exactly one settlement.
 */
import { maxUint256, type Address } from "viem";

import { normalizeAddress } from "./address.js";
import { SplitError } from "./errors.js";
import { splitRevenue } from "./split.js";
import type { Allocation, AllocationEntry, CreditedSplitInput, SplitCredit } from "./types.js";


/**
 * Validates credits: accounts lower-case (a checksum typo refused), amounts positive uint256, one credit per
 * account. Returns them by account ascending, the order the inputs hash commits to.
 */
export function checkCredits(credits: unknown): SplitCredit[] {
  if (credits === undefined) return [];
  if (!Array.isArray(credits)) throw new SplitError("INVALID_CREDIT", "credits must be an array", { credits });
  const checked = (credits as readonly Partial<SplitCredit>[]).map((credit): SplitCredit => {
    const account = normalizeAddress(credit?.account, "credited account");
    const amount: unknown = credit?.amount;
    if (typeof amount !== "bigint" || amount <= 0n || amount > maxUint256) {
      throw new SplitError("INVALID_CREDIT", `credit of ${account} is not a positive uint256: ${String(amount)}`, { account, amount });
    }
    return { account, amount };
  });
  checked.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  for (let i = 1; i < checked.length; i += 1) {
    if (checked[i]!.account === checked[i - 1]!.account) {
      const account = checked[i]!.account;
      throw new SplitError("INVALID_CREDIT", `account ${account} is credited twice`, { account });
    }
  }
  return checked;
}

/**
 * The allocation of `amount` that credits what rejected settlements already paid: see the module comment.
 * Without credits, exactly {@link splitRevenue}'s allocation. With credits, every entry carries its
 * `credit` (0 for an account not paid before) and keeps its basis in the split of `amount + Σ credits`;
 * `credits` on the allocation says what was credited and whether the amount had to be prorated.
 */
export function creditedAllocation({ credits, ...input }: CreditedSplitInput): Allocation {
  const checked = checkCredits(credits);
  if (checked.length === 0) return splitRevenue(input);
  const { amount } = input;
  if (typeof amount !== "bigint" || amount <= 0n || amount > maxUint256) {
    throw new SplitError("INVALID_AMOUNT", `the amount to split must be a positive uint256: ${String(amount)}`, { amount });
  }
  let total = 0n;
  for (const credit of checked) total += credit.amount;
  if (amount + total > maxUint256) {
    throw new SplitError("INVALID_AMOUNT", `the amount plus the credits is not a uint256: ${amount} + ${total}`, { amount, credits: total });
  }
  const whole = splitRevenue({ ...input, amount: amount + total });

  // Each account's share of the whole and its credit, by account ascending (both lists are).
  const rows: { account: Address; share: bigint; credit: bigint; entry: AllocationEntry | undefined }[] = [];
  for (let i = 0, j = 0; i < whole.entries.length || j < checked.length; ) {
    const entry = whole.entries[i];
    const credit = checked[j];
    if (credit === undefined || (entry !== undefined && entry.account < credit.account)) {
      rows.push({ account: entry!.account, share: entry!.amount, credit: 0n, entry });
      i += 1;
    } else if (entry === undefined || credit.account < entry.account) {
      rows.push({ account: credit.account, share: 0n, credit: credit.amount, entry: undefined });
      j += 1;
    } else {
      rows.push({ account: entry.account, share: entry.amount, credit: credit.amount, entry });
      i += 1;
      j += 1;
    }
  }

  const overpaid = rows.some((row) => row.share < row.credit);
  const owed = rows.filter((row) => row.share > row.credit);
  let entries: AllocationEntry[];
  if (!overpaid) {
    entries = owed.map((row) => ({ account: row.account, amount: row.share - row.credit, basis: row.entry!.basis, credit: row.credit }));
  } else {
    // Σ owed > amount: the amount pro rata to what each is owed, one largest-remainder pass.
    let deficits = 0n;
    for (const row of owed) deficits += row.share - row.credit;
    const parts = owed.map((row) => {
      const numerator = amount * (row.share - row.credit);
      return { row, numerator, floor: numerator / deficits, remainder: numerator % deficits, roundedUp: false };
    });
    let leftover = amount;
    for (const part of parts) leftover -= part.floor;
    // One denominator: the largest remainders first, equal ones by account ascending (the rows' order).
    const ranked = parts.filter((part) => part.remainder !== 0n).sort((a, b) => (a.remainder > b.remainder ? -1 : a.remainder < b.remainder ? 1 : 0));
    if (leftover < 0n || leftover > BigInt(ranked.length)) {
      throw new Error(`credit invariant broken: ${leftover} units left over for ${ranked.length} fractional parts`);
    }
    for (let k = 0; k < Number(leftover); k += 1) ranked[k]!.roundedUp = true;
    entries = [];
    for (const { row, numerator, floor, roundedUp } of parts) {
      const part = roundedUp ? floor + 1n : floor;
      if (part === 0n) continue;
      entries.push({
        account: row.account,
        amount: part,
        basis: row.entry!.basis,
        credit: row.credit,
        prorated: { exact: { numerator, denominator: deficits }, roundedUp },
      });
    }
  }
  let sum = 0n;
  for (const entry of entries) sum += entry.amount;
  if (sum !== amount) throw new Error(`credit invariant broken: the parts sum to ${sum}, not ${amount}`);
  return { amount, entries, credits: { total, credits: checked, prorated: overpaid } };
}
