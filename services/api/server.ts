import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createApi, type ApiOptions } from "./app.js";
import { parseApiConfig } from "./config.js";

export interface StartApiOptions extends ApiOptions {
  /** Default 127.0.0.1: loopback only. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
}

export interface RunningApi {
  /** The bound URL, e.g. http://127.0.0.1:8080 */
  url: string;
  server: Server;
  /** Stops accepting connections and closes idle ones; resolves when the server is closed. */
  close(): Promise<void>;
}

/** Validates the configuration (bad fields named), builds the API and listens. */
export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const config = parseApiConfig({
    deployment: options.deployment,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.readyMaxLagBlocks === undefined ? {} : { readyMaxLagBlocks: options.readyMaxLagBlocks }),
  });
  // The QR code of a printed certificate opens the pages where this API serves them, unless told otherwise.
  let boundUrl = "";
  const webUrl = options.certificates?.webUrl ?? (() => boundUrl);
  const app = createApi({ ...options, certificates: { ...options.certificates, webUrl } });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) => (error === undefined ? resolve(listening) : reject(error)));
    listening.once("error", reject);
  });
  // Keep-alive connections from load generators must not hold a shutdown.
  server.keepAliveTimeout = 5_000;
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  boundUrl = `http://${host}:${address.port}`;
  return {
    url: boundUrl,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeIdleConnections();
      }),
  };
}
