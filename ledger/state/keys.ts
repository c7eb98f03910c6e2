/**
 * The layout of the ledger state. Documents live under `<kind>/<id>`; index entries (empty values) under
 * `<index>/<owner>/<id>` so that a prefix scan lists, in order, what belongs to an owner. Numeric ids are
 * zero-padded to 20 digits (every id fits a uint64 or is a counter) so that key order is numeric order;
 * addresses are lower-case hex.
 */

const WIDTH = 20;

/** The largest id a key holds (20 digits): every on-chain id and counter fits. */
export const MAX_STORED_ID = 10n ** BigInt(WIDTH) - 1n;

export function pad(id: bigint | number): string {
  const text = id.toString();
  if (text.startsWith("-") || text.length > WIDTH) throw new RangeError(`id out of range: ${text}`);
  return text.padStart(WIDTH, "0");
}

function lower(address: string): string {
  return address.toLowerCase();
}

export const key = {
  party: (account: string) => `party/${lower(account)}`,
  role: (roleId: bigint | number, account: string) => `role/${pad(roleId)}/${lower(account)}`,
  asset: (assetId: bigint) => `asset/${pad(assetId)}`,
  review: (reviewId: bigint) => `review/${pad(reviewId)}`,
  objection: (objectionId: bigint) => `objection/${pad(objectionId)}`,
  grant: (grantId: bigint) => `grant/${pad(grantId)}`,
  usage: (grantId: bigint, seq: number) => `usage/${pad(grantId)}/${pad(seq)}`,
  contribution: (contributionId: bigint) => `contribution/${pad(contributionId)}`,
  policy: (productId: bigint, version: number) => `policy/${pad(productId)}/${pad(version)}`,
  deposit: (depositId: bigint) => `deposit/${pad(depositId)}`,
  epoch: (epochId: bigint) => `epoch/${pad(epochId)}`,
  claim: (epochId: bigint, index: bigint) => `claim/${pad(epochId)}/${pad(index)}`,
  dispute: (disputeId: bigint) => `dispute/${pad(disputeId)}`,
  /** The bonds credited to and withdrawn by one account. */
  bond: (account: string) => `bond/${lower(account)}`,
  evidence: (assetId: bigint, seq: number) => `evidence/${pad(assetId)}/${pad(seq)}`,
  /** An amount paid to `recipient`, in chain order: by the block and log index of the event that paid it. */
  receipt: (recipient: string, block: bigint, logIndex: number) => `receipt/${lower(recipient)}/${pad(block)}/${pad(logIndex)}`,
  /** What one account was paid, by source. */
  received: (account: string) => `received/${lower(account)}`,
  /** Counters and totals of the whole ledger. */
  totals: () => "totals",
} as const;

/** Index entries: `<index>/<owner>/<id>` with an empty value. */
export const index = {
  /** Registrations of a fingerprint: a file's hash finds its certificate. */
  assetsByFingerprint: (fingerprint: string, assetId: bigint) => `idx-fingerprint/${fingerprint.toLowerCase()}/${pad(assetId)}`,
  assetsOfHolder: (holder: string, assetId: bigint) => `idx-holder-assets/${lower(holder)}/${pad(assetId)}`,
  childrenOf: (parentId: bigint, childId: bigint) => `idx-children/${pad(parentId)}/${pad(childId)}`,
  grantsOfAsset: (assetId: bigint, grantId: bigint) => `idx-asset-grants/${pad(assetId)}/${pad(grantId)}`,
  grantsOfParty: (party: string, grantId: bigint) => `idx-party-grants/${lower(party)}/${pad(grantId)}`,
  contributionsOfProduct: (productId: bigint, contributionId: bigint) =>
    `idx-product-contributions/${pad(productId)}/${pad(contributionId)}`,
  contributionsOfParty: (party: string, contributionId: bigint) =>
    `idx-party-contributions/${lower(party)}/${pad(contributionId)}`,
  depositsOfProduct: (productId: bigint, depositId: bigint) => `idx-product-deposits/${pad(productId)}/${pad(depositId)}`,
  epochsOfProduct: (productId: bigint, epochId: bigint) => `idx-product-epochs/${pad(productId)}/${pad(epochId)}`,
  claimsOfParty: (party: string, epochId: bigint, leafIndex: bigint) =>
    `idx-party-claims/${lower(party)}/${pad(epochId)}/${pad(leafIndex)}`,
  disputesOfAsset: (assetId: bigint, disputeId: bigint) => `idx-asset-disputes/${pad(assetId)}/${pad(disputeId)}`,
  disputesOfParty: (party: string, disputeId: bigint) => `idx-party-disputes/${lower(party)}/${pad(disputeId)}`,
  /** The disputes whose bond was credited to an account. */
  bondCreditsOfParty: (party: string, disputeId: bigint) => `idx-party-bond-credits/${lower(party)}/${pad(disputeId)}`,
  objectionsOfAsset: (assetId: bigint, objectionId: bigint) =>
    `idx-asset-objections/${pad(assetId)}/${pad(objectionId)}`,
  reviewsOfAsset: (assetId: bigint, reviewId: bigint) => `idx-asset-reviews/${pad(assetId)}/${pad(reviewId)}`,
  /** The assets that record a card hash (applied with it, or changed to it): the card store takes only these. */
  assetsOfCard: (cardHash: string, assetId: bigint) => `idx-card/${cardHash.toLowerCase()}/${pad(assetId)}`,
  /** The reviews that record a report hash: the document store takes only these reports. */
  reviewsOfReport: (reportHash: string, reviewId: bigint) => `idx-report/${reportHash.toLowerCase()}/${pad(reviewId)}`,
} as const;

/** What an id beyond the keys' width owns: a prefix no key starts with (a lookup finds nothing, not an error). */
const owner = (id: bigint): string => (id >= 0n && id <= MAX_STORED_ID ? pad(id) : "none");

/**
 * Prefixes that list, in key order, every document of a kind, or one owner's documents or index entries:
 * the layout of `key` and `index` above, for readers (the API, the views).
 */
export const listing = {
  parties: "party/",
  assets: "asset/",
  grants: "grant/",
  contributions: "contribution/",
  deposits: "deposit/",
  epochs: "epoch/",
  disputes: "dispute/",
  bonds: "bond/",
  policiesOf: (productId: bigint) => `policy/${owner(productId)}/`,
  evidenceOf: (assetId: bigint) => `evidence/${owner(assetId)}/`,
  assetsByFingerprint: (fingerprint: string) => `idx-fingerprint/${fingerprint.toLowerCase()}/`,
  assetsOfHolder: (holder: string) => `idx-holder-assets/${lower(holder)}/`,
  childrenOf: (parentId: bigint) => `idx-children/${owner(parentId)}/`,
  grantsOfAsset: (assetId: bigint) => `idx-asset-grants/${owner(assetId)}/`,
  grantsOfParty: (party: string) => `idx-party-grants/${lower(party)}/`,
  contributionsOfProduct: (productId: bigint) => `idx-product-contributions/${owner(productId)}/`,
  contributionsOfParty: (party: string) => `idx-party-contributions/${lower(party)}/`,
  depositsOfProduct: (productId: bigint) => `idx-product-deposits/${owner(productId)}/`,
  epochsOfProduct: (productId: bigint) => `idx-product-epochs/${owner(productId)}/`,
  claimsOfParty: (party: string) => `idx-party-claims/${lower(party)}/`,
  disputesOfAsset: (assetId: bigint) => `idx-asset-disputes/${owner(assetId)}/`,
  disputesOfParty: (party: string) => `idx-party-disputes/${lower(party)}/`,
  bondCreditsOfParty: (party: string) => `idx-party-bond-credits/${lower(party)}/`,
  /** What an account was paid by the vault and the court, in chain order. */
  receiptsOf: (recipient: string) => `receipt/${lower(recipient)}/`,
  /** The leaves spent of an epoch (claims and escrow releases), by leaf index. */
  claimsOfEpoch: (epochId: bigint) => `claim/${owner(epochId)}/`,
  objectionsOfAsset: (assetId: bigint) => `idx-asset-objections/${owner(assetId)}/`,
  reviewsOfAsset: (assetId: bigint) => `idx-asset-reviews/${owner(assetId)}/`,
  assetsOfCard: (cardHash: string) => `idx-card/${cardHash.toLowerCase()}/`,
  reviewsOfReport: (reportHash: string) => `idx-report/${reportHash.toLowerCase()}/`,
} as const;

/** The id at the end of an index key. */
export function idOf(indexKey: string): bigint {
  return BigInt(indexKey.slice(indexKey.lastIndexOf("/") + 1));
}
