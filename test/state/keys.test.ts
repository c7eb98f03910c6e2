import { expect } from "chai";

import { index, key, listing, MAX_STORED_ID, pad } from "../../ledger/state/index.js";

const party = "0xAbCdEf0123456789aBcDeF0123456789ABCDEF01";

describe("state keys: listings", () => {
  it("list exactly the keys the reducers write, for one owner or one kind", () => {
    const owned: [string, string][] = [
      [listing.policiesOf(7n), key.policy(7n, 2)],
      [listing.evidenceOf(7n), key.evidence(7n, 3)],
      [listing.assetsByFingerprint("0xABCD"), index.assetsByFingerprint("0xabcd", 7n)],
      [listing.assetsOfHolder(party), index.assetsOfHolder(party, 7n)],
      [listing.childrenOf(7n), index.childrenOf(7n, 8n)],
      [listing.grantsOfAsset(7n), index.grantsOfAsset(7n, 8n)],
      [listing.grantsOfParty(party), index.grantsOfParty(party, 8n)],
      [listing.contributionsOfProduct(7n), index.contributionsOfProduct(7n, 8n)],
      [listing.contributionsOfParty(party), index.contributionsOfParty(party, 8n)],
      [listing.depositsOfProduct(7n), index.depositsOfProduct(7n, 8n)],
      [listing.epochsOfProduct(7n), index.epochsOfProduct(7n, 8n)],
      [listing.claimsOfParty(party), index.claimsOfParty(party, 8n, 9n)],
      [listing.disputesOfAsset(7n), index.disputesOfAsset(7n, 8n)],
      [listing.disputesOfParty(party), index.disputesOfParty(party, 8n)],
      [listing.bondCreditsOfParty(party), index.bondCreditsOfParty(party, 8n)],
      [listing.claimsOfEpoch(7n), key.claim(7n, 9n)],
      [listing.bonds, key.bond(party)],
      [listing.objectionsOfAsset(7n), index.objectionsOfAsset(7n, 8n)],
      [listing.reviewsOfAsset(7n), index.reviewsOfAsset(7n, 8n)],
      [listing.parties, key.party(party)],
      [listing.assets, key.asset(7n)],
      [listing.grants, key.grant(7n)],
      [listing.contributions, key.contribution(7n)],
      [listing.deposits, key.deposit(7n)],
      [listing.epochs, key.epoch(7n)],
      [listing.disputes, key.dispute(7n)],
    ];
    for (const [prefix, written] of owned) {
      expect(written.startsWith(prefix), `${written} under ${prefix}`).to.equal(true);
    }
    // One owner only: owner 70's entries are not listed under owner 7.
    expect(index.childrenOf(70n, 8n).startsWith(listing.childrenOf(7n))).to.equal(false);
    expect(key.policy(70n, 1).startsWith(listing.policiesOf(7n))).to.equal(false);
    expect(key.claim(70n, 1n).startsWith(listing.claimsOfEpoch(7n))).to.equal(false);
    expect(key.bond(party)).to.equal(`bond/${party.toLowerCase()}`);
  });

  it("gives an id beyond the keys' width a prefix that lists nothing, where writing it throws", () => {
    const beyond = MAX_STORED_ID + 1n;
    expect(() => pad(beyond)).to.throw(RangeError);
    for (const prefix of [listing.childrenOf(beyond), listing.policiesOf(beyond), listing.reviewsOfAsset(-1n)]) {
      expect(prefix).to.match(/\/none\/$/);
      expect(index.childrenOf(MAX_STORED_ID, 1n).startsWith(prefix)).to.equal(false);
    }
  });
});
