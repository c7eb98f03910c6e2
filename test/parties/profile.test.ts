import { expect } from "chai";
import { keccak256, stringToBytes } from "viem";

import { parsePartyBook, profileHashOf } from "../../ledger/parties/profile.js";

const ACCOUNT = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";

describe("party profile documents and the party book", () => {
  it("hashes a profile's RFC 8785 canonical JSON: keys sorted, no whitespace, the account checksummed", () => {
    // Written out by hand: "account" < "name" and "en" < "zh-CN" in UTF-16 order; the non-ASCII name kept as is.
    const canonical = `{"account":"${ACCOUNT}","name":{"en":"Furong Logistics Ltd.","zh-CN":"芙蓉物流有限公司"}}`;
    const expected = keccak256(stringToBytes(canonical));
    expect(profileHashOf({ account: ACCOUNT, name: { en: "Furong Logistics Ltd.", "zh-CN": "芙蓉物流有限公司" } })).to.equal(expected);
    // The same document written another way: other key order, a lower-case address.
    expect(profileHashOf({ name: { "zh-CN": "芙蓉物流有限公司", en: "Furong Logistics Ltd." }, account: ACCOUNT.toLowerCase() as `0x${string}` })).to.equal(expected);
    // One character changed is another document.
    expect(profileHashOf({ account: ACCOUNT, name: { en: "Furong Logistics Ltd", "zh-CN": "芙蓉物流有限公司" } })).not.to.equal(expected);
  });

  it("reads a party book, checksumming the accounts", () => {
    const book = parsePartyBook([{ account: ACCOUNT.toLowerCase(), name: { "zh-CN": "芙蓉物流有限公司" } }]);
    expect(book).to.deep.equal({ profiles: [{ account: ACCOUNT, name: { "zh-CN": "芙蓉物流有限公司" } }] });
  });

  it("names every bad entry of a party book", () => {
    expect(parsePartyBook({})).to.deep.equal({ problems: ["the party book must be a JSON array of profile documents"] });
    expect(
      parsePartyBook([
        "Furong",
        { account: "0x123", name: { en: "A" } },
        { account: ACCOUNT },
        { account: ACCOUNT, name: { fr: "Furong" } },
        { account: ACCOUNT, name: {} },
        { account: ACCOUNT, name: { en: " " } },
        { account: ACCOUNT, name: { en: "x".repeat(201) } },
        { account: ACCOUNT, name: { en: "Fine" } },
      ]),
    ).to.deep.equal({
      problems: [
        "entry 0: not an object",
        'entry 1: "account" must be an address',
        'entry 2: "name" must be an object like {"en": "...", "zh-CN": "..."}',
        'entry 3: "name" has languages other than en and zh-CN: fr',
        'entry 4: "name" needs at least one of en, zh-CN, each a non-empty text of at most 200 characters',
        'entry 5: "name" needs at least one of en, zh-CN, each a non-empty text of at most 200 characters',
        'entry 6: "name" needs at least one of en, zh-CN, each a non-empty text of at most 200 characters',
      ],
    });
  });
});
