import { idOf, key, listing, readDocument, type ContributionRecord, type GrantRecord } from "../../../ledger/state/index.js";
import { ContributionStatus, GrantStatus, ScopeKind, Stage } from "../../../ledger/types.js";
import { pageOf } from "../pagination.js";
import { presentContribution, presentGrant, requireDocument } from "../present.js";
import { defineRoute } from "../route.js";
import { AddressInput, Contribution, enumName, Grant, IdInput, pageOf as pageSchema, PageQuery, query, TimestampInput } from "../schemas.js";
import { z } from "../zod.js";

const IdParams = z.object({ id: IdInput });

const GrantQuery = query({
  ...PageQuery,
  asset: IdInput.optional().openapi({ description: "Grants on this asset" }),
  grantor: AddressInput.optional(),
  grantee: AddressInput.optional(),
  party: AddressInput.optional().openapi({ description: "Grants this account gave or received" }),
  activeAt: TimestampInput.optional().openapi({ description: "Unix seconds: ACTIVE and validFrom <= t < validUntil" }),
  scopeKind: enumName(ScopeKind, "scopeKind").optional().openapi({ type: "string", enum: Object.keys(ScopeKind) }),
  scopeData: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex hash")
    .optional(),
  status: enumName(GrantStatus, "status").optional().openapi({ type: "string", enum: Object.keys(GrantStatus) }),
});

const ContributionQuery = query({
  ...PageQuery,
  product: IdInput.optional().openapi({ description: "Contributions to this product" }),
  party: AddressInput.optional().openapi({ description: "Contributions this account recorded" }),
  stage: enumName(Stage, "stage").optional().openapi({ type: "string", enum: Object.keys(Stage) }),
  status: enumName(ContributionStatus, "status").optional().openapi({ type: "string", enum: Object.keys(ContributionStatus) }),
});

export const grantRoutes = [
  defineRoute({
    path: "/grants",
    tag: "grants",
    summary: "Authorization grants, filtered by asset, grantor, grantee, party, time, scope and status",
    query: GrantQuery,
    response: pageSchema("GrantPage", Grant),
    handle({ query: q }, context) {
      const { state } = context.sources;
      const account = q.party ?? q.grantor ?? q.grantee;
      const prefix =
        q.asset !== undefined ? listing.grantsOfAsset(q.asset) : account !== undefined ? listing.grantsOfParty(account) : listing.grants;
      const indexed = prefix !== "grant/";
      return pageOf(state, prefix, q, (entryKey, value) => {
        const grant = indexed ? readDocument<GrantRecord>(state, key.grant(idOf(entryKey))) : (JSON.parse(value) as GrantRecord);
        if (grant === undefined) return undefined;
        const grantor = grant.grantor.toLowerCase();
        const grantee = grant.grantee.toLowerCase();
        if (q.asset !== undefined && BigInt(grant.assetId) !== q.asset) return undefined;
        if (q.grantor !== undefined && grantor !== q.grantor) return undefined;
        if (q.grantee !== undefined && grantee !== q.grantee) return undefined;
        if (q.party !== undefined && grantor !== q.party && grantee !== q.party) return undefined;
        if (q.scopeKind !== undefined && grant.scopeKind !== q.scopeKind) return undefined;
        if (q.scopeData !== undefined && grant.scopeData.toLowerCase() !== q.scopeData.toLowerCase()) return undefined;
        if (q.status !== undefined && grant.status !== q.status) return undefined;
        if (q.activeAt !== undefined) {
          const active = grant.status === GrantStatus.ACTIVE && BigInt(grant.validFrom) <= q.activeAt && q.activeAt < BigInt(grant.validUntil);
          if (!active) return undefined;
        }
        return presentGrant(grant);
      });
    },
  }),
  defineRoute({
    path: "/grants/{id}",
    tag: "grants",
    summary: "A grant: rights, scope, purpose, validity, royalty, status, usage",
    params: IdParams,
    response: Grant,
    problems: [404],
    handle: ({ params }, context) => presentGrant(requireDocument<GrantRecord>(context.sources.state, "grant", params.id, key.grant)),
  }),
  defineRoute({
    path: "/contributions",
    tag: "contributions",
    summary: "Contributions, by product and/or by party, stage and status",
    query: ContributionQuery,
    response: pageSchema("ContributionPage", Contribution),
    handle({ query: q }, context) {
      const { state } = context.sources;
      const prefix =
        q.product !== undefined
          ? listing.contributionsOfProduct(q.product)
          : q.party !== undefined
            ? listing.contributionsOfParty(q.party)
            : listing.contributions;
      const indexed = prefix !== listing.contributions;
      return pageOf(state, prefix, q, (entryKey, value) => {
        const record = indexed
          ? readDocument<ContributionRecord>(state, key.contribution(idOf(entryKey)))
          : (JSON.parse(value) as ContributionRecord);
        if (record === undefined) return undefined;
        if (q.party !== undefined && record.contributor.toLowerCase() !== q.party) return undefined;
        if (q.stage !== undefined && record.stage !== q.stage) return undefined;
        if (q.status !== undefined && record.status !== q.status) return undefined;
        return presentContribution(record);
      });
    },
  }),
  defineRoute({
    path: "/contributions/{id}",
    tag: "contributions",
    summary: "A contribution: product, contributor, stage, role, measure, evidence, status",
    params: IdParams,
    response: Contribution,
    problems: [404],
    handle: ({ params }, context) =>
      presentContribution(requireDocument<ContributionRecord>(context.sources.state, "contribution", params.id, key.contribution)),
  }),
];

