/**
 * A token bucket per client: `perMinute` requests at once, refilled continuously at `perMinute` a minute.
 * Buckets live in memory, one per client key (the ip express sees; behind a proxy set express's `trust
 * proxy` so that it is the client's). A full bucket is as good as none, so the map stays small: full
 * buckets are dropped when it grows past `maxClients`, then the oldest.
 */
export interface RateLimiter {
  /** Takes one request's token: undefined when allowed, else how long (ms) until the next token. */
  take(client: string): number | undefined;
}

export interface RateLimitOptions {
  perMinute: number;
  now: () => number;
  maxClients?: number;
}

const MINUTE_MS = 60_000;

export function tokenBucketLimiter({ perMinute, now, maxClients = 10_000 }: RateLimitOptions): RateLimiter {
  if (!Number.isInteger(perMinute) || perMinute < 1) throw new RangeError(`a rate limit is a whole number of requests a minute, at least 1: ${perMinute}`);
  const buckets = new Map<string, { tokens: number; at: number }>();
  const msPerToken = MINUTE_MS / perMinute;
  const refilled = (bucket: { tokens: number; at: number }, time: number) => Math.min(perMinute, bucket.tokens + (time - bucket.at) / msPerToken);
  const prune = (time: number) => {
    for (const [client, bucket] of buckets) if (refilled(bucket, time) >= perMinute) buckets.delete(client);
    for (const client of buckets.keys()) {
      if (buckets.size < maxClients) break;
      buckets.delete(client);
    }
  };
  return {
    take(client) {
      const time = now();
      const existing = buckets.get(client);
      const tokens = existing === undefined ? perMinute : refilled(existing, time);
      if (tokens < 1) {
        buckets.set(client, { tokens, at: time });
        return Math.ceil((1 - tokens) * msPerToken);
      }
      if (existing === undefined && buckets.size >= maxClients) prune(time);
      buckets.set(client, { tokens: tokens - 1, at: time });
      return undefined;
    },
  };
}
