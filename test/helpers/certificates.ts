import { getAddress, keccak256, stringToBytes, type Hex } from "viem";

import type { CertificateClaims } from "../../ledger/certificates/index.js";

export const hashOf = (label: string): Hex => keccak256(stringToBytes(label));

/**
 * Certificate No. 3 of a registry on chain 31337, as read at block 50 (its evidence chain had 7 entries then):
 * hand-made claims for the tests that need no chain.
 */
export const SAMPLE_CLAIMS: CertificateClaims = {
  registrationNumber: "3",
  kind: "PRODUCT",
  category: "ENTERPRISE",
  classification: "GENERAL",
  status: "ISSUED",
  holder: getAddress("0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"),
  holderName: { en: "Xiangjiang Data Operations Co.", "zh-CN": "湘江数据运营有限公司" },
  fingerprint: hashOf("data:product"),
  issued: { transaction: hashOf("tx:issue"), block: "40", timestamp: "1767225600" },
  card: { version: 1, cardHash: hashOf("card:v1"), cardURI: "ipfs://card/v1.json" },
  parents: ["1", "2"],
  encumbrances: { pledge: null, openObjections: 0 },
  evidenceHead: { seq: 7, head: hashOf("head:7") },
  chainId: 31337,
  registry: getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
  asOf: { block: "50", timestamp: "1767229200" },
};
