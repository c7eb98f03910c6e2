import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** What the proxy does wrong, each a probability per HTTP request (they add up). */
export interface Faults {
  /** Answer 500 with a non-JSON body. */
  readonly error500?: number;
  /** Answer 429 Too Many Requests. */
  readonly tooMany?: number;
  /** Drop the connection without answering. */
  readonly reset?: number;
  /** Hold the request for `delayMs` (up to) before forwarding it. */
  readonly delay?: number;
  readonly delayMs?: number;
  /** Send the first part of the answer only. */
  readonly truncate?: number;
  /** Corrupt an eth_getLogs answer that has logs: a wrong block hash, a repeated log, or two logs swapped. */
  readonly corrupt?: number;
  /** Also give every n-th eth_getLogs answer that has logs a wrong block hash, whatever the draw. */
  readonly wrongBlockHashEvery?: number;
}

export interface ProxyLimits {
  /** Refuse eth_getLogs over more blocks than this, as geth does ("exceed maximum block range"). */
  readonly maxBlockRange?: number;
  /** Refuse eth_getLogs answers with more logs than this, as Infura does ("query returned more than N results"). */
  readonly maxResults?: number;
}

export interface FaultyProxy {
  readonly url: string;
  /** Requests seen and faults injected, by kind. */
  readonly counts: Record<string, number>;
  close(): Promise<void>;
}

type RpcRequest = { id: unknown; method: string; params?: unknown[] };
type RpcAnswer = { id: unknown; result?: unknown; error?: unknown };

/** A request's body as text. */
export function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}

/**
 * A JSON-RPC proxy on 127.0.0.1 in front of a real node that misbehaves as nodes and their load
 * balancers do: errors, dropped connections, delays, cut-off and corrupted answers, and refusals of
 * wide log queries. `random` decides, so a failing run replays from its seed.
 */
export async function startFaultyProxy(upstream: string, faults: Faults, limits: ProxyLimits, random: () => number): Promise<FaultyProxy> {
  const counts: Record<string, number> = {};
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);

  function refusal(call: RpcRequest): RpcAnswer | undefined {
    if (call.method !== "eth_getLogs" || limits.maxBlockRange === undefined) return undefined;
    const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
    const width = Number(filter.toBlock) - Number(filter.fromBlock) + 1;
    if (!(width > limits.maxBlockRange)) return undefined;
    count("refusedRange");
    return { id: call.id, error: { code: -32005, message: `exceed maximum block range: ${limits.maxBlockRange}` } };
  }

  function limitResults(call: RpcRequest, answer: RpcAnswer): RpcAnswer {
    if (call.method !== "eth_getLogs" || limits.maxResults === undefined || !Array.isArray(answer.result)) return answer;
    if (answer.result.length <= limits.maxResults) return answer;
    count("refusedResults");
    return { id: call.id, error: { code: -32005, message: `query returned more than ${limits.maxResults} results` } };
  }

  let logAnswers = 0;
  const hasLogs = (call: RpcRequest, answer: RpcAnswer) =>
    call.method === "eth_getLogs" && Array.isArray(answer.result) && answer.result.length > 0;

  function corrupt(call: RpcRequest, answer: RpcAnswer, wrongHash = false): RpcAnswer {
    const logs = answer.result;
    if (!hasLogs(call, answer) || !Array.isArray(logs)) return answer;
    const copy = logs.map((log: Record<string, unknown>) => ({ ...log }));
    const i = Math.floor(random() * copy.length);
    const r = wrongHash ? 0 : random();
    if (r < 0.5 || copy.length < 2) {
      count("corruptBlockHash");
      copy[i]!.blockHash = `0x${"ab".repeat(32)}`;
    } else if (r < 0.75) {
      count("corruptDuplicate");
      copy.splice(i, 0, { ...copy[i]! });
    } else {
      count("corruptSwap");
      const j = i === 0 ? 1 : i - 1;
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return { ...answer, result: copy };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await read(request);
    count("requests");
    const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];

    let r = random();
    const pick = (p: number | undefined) => {
      if (p === undefined || p <= 0) return false;
      if (r < p) return true;
      r -= p;
      return false;
    };
    if (pick(faults.error500)) {
      count("error500");
      response.writeHead(500, { "content-type": "text/plain" }).end("upstream exploded");
      return;
    }
    if (pick(faults.tooMany)) {
      count("tooMany");
      response.writeHead(429, { "content-type": "text/plain" }).end("slow down");
      return;
    }
    if (pick(faults.reset)) {
      count("reset");
      request.socket.destroy();
      return;
    }
    if (pick(faults.delay)) {
      count("delay");
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * (faults.delayMs ?? 200))));
    }
    const truncate = pick(faults.truncate);
    const corrupting = pick(faults.corrupt);

    // Refused calls are answered here; the rest go upstream in one request.
    const refused = new Map<number, RpcAnswer>();
    calls.forEach((call, i) => {
      const answer = refusal(call);
      if (answer !== undefined) refused.set(i, answer);
    });
    const forwarded = calls.filter((_, i) => !refused.has(i));
    let upstreamAnswers: RpcAnswer[] = [];
    if (forwarded.length > 0) {
      const upstreamResponse = await fetch(upstream, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(Array.isArray(parsed) ? forwarded : forwarded[0]),
      });
      const json = (await upstreamResponse.json()) as RpcAnswer | RpcAnswer[];
      upstreamAnswers = Array.isArray(json) ? json : [json];
    }
    let k = 0;
    let answers = calls.map((call, i) => refused.get(i) ?? limitResults(call, upstreamAnswers[k++]!));
    answers = answers.map((answer, i) => {
      if (!hasLogs(calls[i]!, answer)) return answer;
      const every = faults.wrongBlockHashEvery;
      if (every !== undefined && ++logAnswers % every === 0) return corrupt(calls[i]!, answer, true);
      return corrupting ? corrupt(calls[i]!, answer) : answer;
    });
    let text = JSON.stringify(Array.isArray(parsed) ? answers : answers[0]);
    if (truncate) {
      count("truncate");
      text = text.slice(0, Math.floor(text.length * random()));
    }
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      count("proxyError");
      if (!response.headersSent) response.writeHead(502).end(String(error));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy: no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
