/**
 * Serves an in-process Hardhat chain over JSON-RPC on 127.0.0.1 (an ephemeral port) and prints
 * `listening <url>`: the node the benchmarks run against from another process, as an indexer and its
 * node run in production. Stops on SIGTERM or SIGINT.
 */
import { network } from "hardhat";

const server = await network.createServer("default", "127.0.0.1", 0);
const { address, port } = await server.listen();
console.log(`listening http://${address}:${port}`);
const stop = () => void server.close();
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
await server.afterClosed();
