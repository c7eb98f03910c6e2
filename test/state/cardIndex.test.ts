import { expect } from "chai";

import { idOf, index, listing } from "../../ledger/state/index.js";

describe("state keys: the card and report indexes", () => {
  const hash = "0xABCDEF" + "0".repeat(58);

  it("list an asset under its card hash and a review under its report hash, in any case of the hash", () => {
    const card = index.assetsOfCard(hash, 7n);
    expect(card).to.equal(`idx-card/${hash.toLowerCase()}/00000000000000000007`);
    expect(card.startsWith(listing.assetsOfCard(hash.toLowerCase()))).to.equal(true);
    expect(idOf(card)).to.equal(7n);
    const report = index.reviewsOfReport(hash, 12n);
    expect(report).to.equal(`idx-report/${hash.toLowerCase()}/00000000000000000012`);
    expect(report.startsWith(listing.reviewsOfReport(hash))).to.equal(true);
  });

  it("keep cards and reports apart, and one hash's entries from another's", () => {
    expect(index.assetsOfCard(hash, 7n).startsWith(listing.reviewsOfReport(hash))).to.equal(false);
    const other = "0xabcdef" + "0".repeat(57) + "1";
    expect(index.assetsOfCard(other, 7n).startsWith(listing.assetsOfCard(hash))).to.equal(false);
  });
});
