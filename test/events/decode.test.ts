import { expect } from "chai";
import fc from "fast-check";
import { decodeEventLog, encodeAbiParameters, encodeEventTopics, erc20Abi, pad, toEventSelector, type AbiEvent, type AbiParameter, type Address, type Hex } from "viem";

import { compileEventDecoder, createLogDecoder, createSelectorDecoder, foldLogs, LEDGER_ABIS, type RawLog } from "../../ledger/events/index.js";

/** Every event of the ledger's contracts and of ERC-20, and a few shapes the ledger does not use. */
const EXTRA: AbiEvent[] = [
  {
    type: "event",
    name: "Shapes",
    inputs: [
      { name: "label", type: "string", indexed: true },
      { name: "small", type: "int8", indexed: true },
      { name: "flag", type: "bool", indexed: false },
      { name: "blob", type: "bytes", indexed: false },
      { name: "signed", type: "int256", indexed: false },
      { name: "tag", type: "bytes4", indexed: false },
      { name: "note", type: "string", indexed: false },
      { name: "medium", type: "uint48", indexed: false },
      { name: "wide", type: "uint56", indexed: false },
    ],
  },
  { type: "event", name: "Listed", inputs: [{ name: "ids", type: "uint256[]", indexed: false }, { name: "who", type: "address", indexed: true }] },
  { type: "event", name: "Unnamed", inputs: [{ name: "", type: "uint256", indexed: false }] },
  { type: "event", name: "Bare", inputs: [] },
];
const EVENTS: AbiEvent[] = [
  ...Object.values(LEDGER_ABIS).flatMap((abi) => (abi as readonly { type: string }[]).filter((item): item is AbiEvent => item.type === "event")),
  ...(erc20Abi as readonly { type: string }[]).filter((item): item is AbiEvent => item.type === "event"),
  ...EXTRA,
];

function arbitraryOf(parameter: AbiParameter): fc.Arbitrary<unknown> {
  const { type } = parameter;
  if (type === "address") return fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => `0x${Buffer.from(bytes).toString("hex")}`);
  if (type === "bool") return fc.boolean();
  if (type === "string") return fc.string({ unit: "grapheme", maxLength: 40 });
  if (type === "bytes") return fc.uint8Array({ maxLength: 80 }).map((bytes) => `0x${Buffer.from(bytes).toString("hex")}`);
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed !== null) return fc.uint8Array({ minLength: Number(fixed[1]), maxLength: Number(fixed[1]) }).map((bytes) => `0x${Buffer.from(bytes).toString("hex")}`);
  const number = /^(u?)int(\d*)$/.exec(type);
  if (number !== null) {
    const bits = BigInt(number[2] === "" ? 256 : Number(number[2]));
    const value = number[1] === "u" ? fc.bigInt({ min: 0n, max: (1n << bits) - 1n }) : fc.bigInt({ min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n });
    return bits > 48n ? value : value.map(Number);
  }
  if (type.endsWith("[]")) return fc.array(arbitraryOf({ ...parameter, type: type.slice(0, -2) }), { maxLength: 4 });
  const fixedArray = /^(.*)\[(\d+)\]$/.exec(type);
  if (fixedArray !== null) {
    const length = Number(fixedArray[2]);
    return fc.array(arbitraryOf({ ...parameter, type: fixedArray[1]! }), { minLength: length, maxLength: length });
  }
  if (type === "tuple") {
    const components = (parameter as { components: readonly AbiParameter[] }).components;
    return fc.tuple(...components.map(arbitraryOf)).map((values) => Object.fromEntries(components.map((c, i) => [c.name!, values[i]])));
  }
  throw new Error(`no generator for ${type}`);
}

/** A log of `event` with random arguments, encoded by viem. */
function logOf(event: AbiEvent): fc.Arbitrary<{ topics: Hex[]; data: Hex }> {
  return fc.tuple(...event.inputs.map(arbitraryOf)).map((values) => {
    const named = event.inputs.every((input) => input.name !== undefined && input.name !== "");
    const args = named ? Object.fromEntries(event.inputs.map((input, i) => [input.name!, values[i]])) : values;
    const indexedArgs = named
      ? Object.fromEntries(event.inputs.flatMap((input, i) => (input.indexed ? [[input.name!, values[i]]] : [])))
      : event.inputs.map((input, i) => (input.indexed ? values[i] : null));
    const topics = encodeEventTopics({ abi: [event], eventName: event.name, args: indexedArgs } as never) as Hex[];
    const plain = event.inputs.filter((input) => !input.indexed);
    const plainValues = event.inputs.flatMap((input, i) => (input.indexed ? [] : [named ? (args as Record<string, unknown>)[input.name!] : values[i]]));
    return { topics, data: encodeAbiParameters(plain, plainValues) };
  });
}

/** viem's answer, or the fact that it threw. */
function viem(event: AbiEvent, topics: readonly Hex[], data: Hex): { args: unknown } | { threw: true } {
  try {
    return { args: decodeEventLog({ abi: [event], topics: topics as [Hex, ...Hex[]], data, strict: true }).args };
  } catch {
    return { threw: true };
  }
}

function compiled(event: AbiEvent, topics: readonly Hex[], data: Hex): { args: unknown } | { threw: true } {
  try {
    return { args: compileEventDecoder(event)(topics, data) };
  } catch {
    return { threw: true };
  }
}

/** Equal values and, for objects, the same key order (viem's: indexed arguments first). */
function expectSame(actual: { args: unknown } | { threw: true }, expected: { args: unknown } | { threw: true }, what: string): void {
  expect(actual, what).to.deep.equal(expected);
  if ("args" in actual && "args" in expected && actual.args !== null && typeof actual.args === "object") {
    expect(Object.keys(actual.args), `${what}: key order`).to.deep.equal(Object.keys(expected.args as object));
  }
}

describe("events: the compiled event decoder", () => {
  it(`decodes every event of the ledger's ABIs (${EVENTS.length} with the extra shapes) exactly as viem does`, () => {
    for (const event of EVENTS) {
      fc.assert(
        fc.property(logOf(event), ({ topics, data }) => {
          expect(topics[0]).to.equal(toEventSelector(event));
          expectSame(compiled(event, topics, data), viem(event, topics, data), event.name);
        }),
        { numRuns: 40 },
      );
    }
  });

  it("refuses malformed logs as viem does: missing topics, truncated or empty data, upper-case hex", () => {
    for (const event of EVENTS) {
      fc.assert(
        fc.property(logOf(event), fc.nat(), fc.nat({ max: 3 }), ({ topics, data }, cut, dropTopics) => {
          const shortData = data.slice(0, 2 + (cut % Math.max(1, data.length - 2))) as Hex;
          const fewerTopics = topics.slice(0, Math.max(1, topics.length - dropTopics));
          for (const [t, d] of [
            [topics, shortData],
            [fewerTopics, data],
            [topics, "0x" as Hex],
            // topic0 is matched before decoding (by the indexer's selector map, by viem's ABI lookup): only the rest.
            [topics.map((topic, i) => (i === 0 ? topic : (topic.toUpperCase().replace("0X", "0x") as Hex))), data.toUpperCase().replace("0X", "0x") as Hex],
          ] as const) {
            expectSame(compiled(event, t, d), viem(event, t, d), `${event.name} (${t.length} topics, ${d.length} hex)`);
          }
        }),
        { numRuns: 25 },
      );
    }
  });

  it("refuses a bool that is neither 0 nor 1, and an offset past the data", () => {
    const shapes = EXTRA[0]!;
    const good = fc.sample(logOf(shapes), { numRuns: 1, seed: 7 })[0]!;
    const words = good.data.slice(2).match(/.{64}/g)!;
    const withBool = (word: string) => `0x${[word, ...words.slice(1)].join("")}` as Hex;
    const badOffset = `0x${[words[0]!, "f".repeat(64), ...words.slice(2)].join("")}` as Hex;
    for (const data of [withBool("0".repeat(63) + "2"), withBool("0".repeat(62) + "10"), withBool("1" + "0".repeat(62) + "1"), badOffset]) {
      expect(compiled(shapes, good.topics, data)).to.deep.equal({ threw: true });
      expect(viem(shapes, good.topics, data)).to.deep.equal({ threw: true });
    }
  });
});

describe("events: decoding logs by contract and by selector", () => {
  const token = "0x00000000000000000000000000000000000000Aa" as Address;
  const transfer = toEventSelector("Transfer(address,address,uint256)");
  const good: RawLog = {
    address: token,
    topics: [transfer, pad("0x01", { size: 32 }), pad("0x02", { size: 32 })],
    data: encodeAbiParameters([{ type: "uint256" }], [42n]),
    blockNumber: 5n,
    transactionHash: pad("0x03", { size: 32 }),
    logIndex: 3,
  };
  const args = { from: "0x0000000000000000000000000000000000000001", to: "0x0000000000000000000000000000000000000002", value: 42n };

  it("finds the contract by address in any case, and tells unknown and undecodable logs apart", () => {
    const decode = createLogDecoder([{ name: "Token", address: token, abi: erc20Abi }]);
    for (const address of [token, token.toLowerCase() as Address]) {
      const decoded = decode({ ...good, address });
      expect(decoded.kind).to.equal("decoded");
      if (decoded.kind !== "decoded") return;
      expect(decoded.event).to.deep.include({ contract: "Token", eventName: "Transfer", args });
    }
    expect(decode({ ...good, topics: [pad("0x7b", { size: 32 })] }).kind).to.equal("unknown");
    expect(decode({ ...good, topics: [] }).kind).to.equal("unknown");
    expect(decode({ ...good, address: "0x00000000000000000000000000000000000000bb" }).kind).to.equal("unknown");
    expect(decode({ ...good, data: "0x" }).kind).to.equal("undecodable");
    expect(decode({ ...good, topics: [transfer, good.topics[1]!] }).kind).to.equal("undecodable");
  });

  it("decodes by topic0 alone, whichever address emitted the log", () => {
    const decoder = createSelectorDecoder([erc20Abi]);
    expect(decoder.event(transfer)?.name).to.equal("Transfer");
    expect(decoder.event(undefined)).to.equal(undefined);
    const decoded = decoder.decode(good);
    expect(decoded.kind === "decoded" && decoded.event.args).to.deep.equal(args);
    expect(decoder.decode({ ...good, topics: [] }).kind).to.equal("unknown");
    expect(decoder.decode({ ...good, data: "0x" }).kind).to.equal("undecodable");
  });

  it("folds: throws a log its ABI names that does not decode, or skips it as the indexer does", async () => {
    const event = LEDGER_ABIS.AssetRegistry.find(
      (item): item is Extract<typeof item, { type: "event" }> => item.type === "event" && item.inputs.some((input) => !input.indexed),
    )!;
    const registry = "0x00000000000000000000000000000000000000cc" as Address;
    const short: RawLog = {
      ...good,
      address: registry,
      topics: [toEventSelector(event as AbiEvent), ...event.inputs.filter((input) => input.indexed).map(() => pad("0x", { size: 32 }))],
      data: "0x",
    };
    const parameters = { contracts: { AssetRegistry: registry }, timestampOf: () => 0n };
    const error = await foldLogs([short], parameters).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    const state = await foldLogs([short, { ...good, address: registry }], { ...parameters, undecodable: "skip" });
    expect([...state.entries("")]).to.deep.equal([]);
  });
});
