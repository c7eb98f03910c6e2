import { getAddress, type Address } from "viem";

import { apportion, escrowDisputeId, SplitError, type Allocation, type BasisComponent } from "../../../ledger/split/index.js";
import {
  idOf,
  key,
  latestPolicy,
  listing,
  readDocument,
  type ClaimRecord,
  type DepositRecord,
  type DisputeRecord,
  type EpochRecord,
  type PolicyRecord,
} from "../../../ledger/state/index.js";
import { DisputeStatus } from "../../../ledger/types.js";
import { decodeCursor, encodeCursor, pageOf } from "../pagination.js";
import { presentDispute, presentEpoch, presentPolicy, requireAsset, requireDocument } from "../present.js";
import { notFound, unprocessable } from "../problems.js";
import { defineRoute } from "../route.js";
import {
  AddressInput,
  AmountInput,
  DEFAULT_PAGE_SIZE,
  Deposit,
  Dispute,
  DisputeEscrow,
  enumName,
  IdInput,
  pageOf as pageSchema,
  PageQuery,
  Policy,
  query,
  Settlement,
  SettlementClaim,
  SettlementEscrow,
  SplitPreview,
} from "../schemas.js";
import { disputeEscrow, escrowLeavesOf, escrowRelease, indexedTime, settlementAllocation, splitStateOf } from "../settlements.js";
import { z } from "../zod.js";

const IdParams = z.object({ id: IdInput });

function presentComponent(component: BasisComponent): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(component).map(([name, value]) => [
      name,
      typeof value === "bigint"
        ? value.toString()
        : Array.isArray(value)
          ? value.map((item: unknown) => (typeof item === "bigint" ? item.toString() : item))
          : typeof value === "object" && value !== null
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]))
            : value,
    ]),
  );
}

export const revenueRoutes = [
  defineRoute({
    path: "/products/{id}/policies",
    tag: "revenue",
    summary: "The split policies of a product, by version",
    params: IdParams,
    query: query(PageQuery),
    response: pageSchema("PolicyPage", Policy),
    problems: [404],
    handle({ params, query: page }, context) {
      requireAsset(context.sources.state, params.id);
      return pageOf(context.sources.state, listing.policiesOf(params.id), page, (_key, value) => presentPolicy(JSON.parse(value) as PolicyRecord));
    },
  }),
  defineRoute({
    path: "/products/{id}/split",
    tag: "revenue",
    summary: "Preview of how an amount of the product's revenue would be split now",
    description:
      "The split engine over the current state: the latest policy, the counted contributions (confirmed; disputed ones to their dispute's escrow), " +
      "royalties up the lineage (each parent's root grant to the parent asset, each sub-grant's to its grantor: `licensor` components). " +
      "Entries by account ascending, paginated; all entries sum to `amount`. 422 when the product has no split policy.",
    params: IdParams,
    query: query({ ...PageQuery, amount: AmountInput.openapi({ description: "Positive uint256, in the token's smallest unit" }) }),
    response: SplitPreview,
    problems: [404, 422],
    async handle({ params, query: q }, context) {
      requireAsset(context.sources.state, params.id);
      const stateBlock = (await context.sources.status()).indexedBlock;
      const snapshot = await splitStateOf(context, params.id);
      const policy = latestPolicy(snapshot.state, params.id);
      if (policy === undefined) throw unprocessable(`asset ${params.id} has no split policy: its revenue cannot be split`);
      let allocation: Allocation;
      try {
        allocation = apportion(snapshot.planOf(params.id), q.amount);
      } catch (error) {
        if (error instanceof SplitError) throw unprocessable(`the split of asset ${params.id} is refused: ${error.message}`);
        throw error;
      }
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, "split/").slice("split/".length);
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const start = after === undefined ? 0 : allocation.entries.findIndex((entry) => entry.account > after);
      const page = start < 0 ? [] : allocation.entries.slice(start, start + limit);
      const more = start >= 0 && start + limit < allocation.entries.length;
      return {
        productId: params.id.toString(),
        amount: q.amount.toString(),
        policyVersion: policy.version,
        stateBlock,
        entries: page.map((entry) => {
          const escrow = entry.basis.components.find((component) => component.kind === "escrow");
          return {
            account: getAddress(entry.account),
            escrowFor: escrow?.kind === "escrow" ? escrow.disputeId.toString() : null,
            amount: entry.amount.toString(),
            exact: { numerator: entry.basis.exact.numerator.toString(), denominator: entry.basis.exact.denominator.toString() },
            roundedUp: entry.basis.roundedUp,
            components: entry.basis.components.map(presentComponent),
          };
        }),
        next: more ? encodeCursor(`split/${page[page.length - 1]!.account}`) : null,
      };
    },
  }),
  defineRoute({
    path: "/deposits",
    tag: "revenue",
    summary: "Revenue deposits, all or of a product",
    query: query({ ...PageQuery, product: IdInput.optional() }),
    response: pageSchema("DepositPage", Deposit),
    handle({ query: q }, context) {
      const { state } = context.sources;
      if (q.product === undefined) return pageOf(state, listing.deposits, q, (_key, value) => JSON.parse(value) as DepositRecord);
      return pageOf(state, listing.depositsOfProduct(q.product), q, (indexKey) =>
        readDocument<DepositRecord>(state, key.deposit(idOf(indexKey))),
      );
    },
  }),
  defineRoute({
    path: "/deposits/{id}",
    tag: "revenue",
    summary: "A revenue deposit",
    params: IdParams,
    response: Deposit,
    problems: [404],
    handle: ({ params }, context) => requireDocument<DepositRecord>(context.sources.state, "deposit", params.id, key.deposit),
  }),
  defineRoute({
    path: "/settlements",
    tag: "revenue",
    summary: "Settlements (epochs), all or of a product",
    query: query({ ...PageQuery, product: IdInput.optional() }),
    response: pageSchema("SettlementPage", Settlement),
    async handle({ query: q }, context) {
      const { state } = context.sources;
      const now = await indexedTime(context);
      if (q.product === undefined) return pageOf(state, listing.epochs, q, (_key, value) => presentEpoch(JSON.parse(value) as EpochRecord, now));
      return pageOf(state, listing.epochsOfProduct(q.product), q, (indexKey) => {
        const epoch = readDocument<EpochRecord>(state, key.epoch(idOf(indexKey)));
        return epoch === undefined ? undefined : presentEpoch(epoch, now);
      });
    },
  }),
  defineRoute({
    path: "/settlements/{id}",
    tag: "revenue",
    summary: "A settlement: amount, Merkle root, state block, inputs hash, challenge window, status and phase, amount claimed",
    params: IdParams,
    response: Settlement,
    problems: [404],
    handle: async ({ params }, context) =>
      presentEpoch(requireDocument<EpochRecord>(context.sources.state, "settlement", params.id, key.epoch), await indexedTime(context)),
  }),
  defineRoute({
    path: "/settlements/{id}/escrow",
    tag: "revenue",
    summary: "The escrow leaves of a settlement: each open contribution dispute's share, held until the court releases it, then how",
    description:
      "Recomputed from the state at the settlement's `stateBlock`, like its claims (422 when that does not reproduce the posted root). " +
      "A leaf is HELD until the court's release (RELEASED: paid to whom, returned, which transaction) or the settlement's rejection.",
    params: IdParams,
    response: SettlementEscrow,
    problems: [404, 422],
    async handle({ params }, context) {
      const epoch = requireDocument<EpochRecord>(context.sources.state, "settlement", params.id, key.epoch);
      const leaves = await escrowLeavesOf(context, epoch);
      if (leaves === undefined) {
        throw unprocessable(`settlement ${epoch.epochId}: the split of the state at block ${epoch.stateBlock} does not reproduce its Merkle root`);
      }
      return { epochId: epoch.epochId, leaves };
    },
  }),
  defineRoute({
    path: "/settlements/{id}/claims/{address}",
    tag: "revenue",
    summary: "A party's leaf of a settlement with its Merkle proof, or a dispute's escrow leaf and its release",
    description:
      "The allocation is recomputed with the split engine from the state at the settlement's `stateBlock` and must reproduce the posted root " +
      "(422 otherwise). 404 when the account has no leaf. An escrow account's leaf (`escrowFor` names the dispute) is never claimed: " +
      "`released` says what the court paid to the contributor and returned to the product's unsettled revenue.",
    params: z.object({ id: IdInput, address: AddressInput }),
    response: SettlementClaim,
    problems: [404, 422],
    async handle({ params }, context) {
      const { state } = context.sources;
      const epoch = requireDocument<EpochRecord>(state, "settlement", params.id, key.epoch);
      const { tree, rootMatches } = await settlementAllocation(context, epoch);
      if (!rootMatches) {
        throw unprocessable(`settlement ${epoch.epochId}: the split of the state at block ${epoch.stateBlock} does not reproduce its Merkle root`);
      }
      const leaf = tree.claim(params.address as Address);
      if (leaf === undefined) throw notFound(`${getAddress(params.address)} has no leaf in settlement ${epoch.epochId}`);
      const claim = readDocument<ClaimRecord>(state, key.claim(params.id, leaf.index));
      const disputeId = escrowDisputeId(leaf.account);
      const released = escrowRelease(claim);
      return {
        epochId: epoch.epochId,
        merkleRoot: epoch.merkleRoot,
        index: leaf.index.toString(),
        account: getAddress(leaf.account),
        amount: leaf.amount.toString(),
        proof: leaf.proof,
        claimed: claim === undefined || claim.account === "escrow" ? null : { recipient: claim.recipients[0]!, at: claim.at },
        escrowFor: disputeId === undefined ? null : disputeId.toString(),
        released,
      };
    },
  }),
  defineRoute({
    path: "/disputes",
    tag: "disputes",
    summary: "Disputes, all, of an asset or of a party (claimant or respondent), by status",
    query: query({
      ...PageQuery,
      asset: IdInput.optional(),
      party: AddressInput.optional(),
      status: enumName(DisputeStatus, "status").optional().openapi({ type: "string", enum: Object.keys(DisputeStatus) }),
    }),
    response: pageSchema("DisputePage", Dispute),
    handle({ query: q }, context) {
      const { state } = context.sources;
      const prefix =
        q.asset !== undefined ? listing.disputesOfAsset(q.asset) : q.party !== undefined ? listing.disputesOfParty(q.party) : listing.disputes;
      const indexed = prefix !== listing.disputes;
      return pageOf(state, prefix, q, (entryKey, value) => {
        const dispute = indexed ? readDocument<DisputeRecord>(state, key.dispute(idOf(entryKey))) : (JSON.parse(value) as DisputeRecord);
        if (dispute === undefined) return undefined;
        if (q.party !== undefined && dispute.claimant.toLowerCase() !== q.party && dispute.respondent.toLowerCase() !== q.party) return undefined;
        if (q.status !== undefined && dispute.status !== q.status) return undefined;
        return presentDispute(dispute);
      });
    },
  }),
  defineRoute({
    path: "/disputes/{id}",
    tag: "disputes",
    summary: "A dispute: subject, parties, bond, grounds, evidence, ruling, where the bond was credited",
    params: IdParams,
    response: Dispute,
    problems: [404],
    handle: ({ params }, context) => presentDispute(requireDocument<DisputeRecord>(context.sources.state, "dispute", params.id, key.dispute)),
  }),
  defineRoute({
    path: "/disputes/{id}/escrow",
    tag: "disputes",
    summary: "Where a contribution dispute's escrow is: its leaf in each settlement, held, or released (paid to whom, returned, which transaction)",
    description:
      "Every settlement posted while the dispute was open holds the disputed record's share in the dispute's escrow leaf, until the court releases it " +
      "as the outcome says (a ruling clears the record's `disputeId`; this answer stays). Empty for other kinds of dispute.",
    params: IdParams,
    response: DisputeEscrow,
    problems: [404],
    handle: async ({ params }, context) =>
      disputeEscrow(context, requireDocument<DisputeRecord>(context.sources.state, "dispute", params.id, key.dispute)),
  }),
];
