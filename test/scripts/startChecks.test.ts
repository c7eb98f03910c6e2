import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { assertPortFree, lockStore, StartRefusedError } from "../../scripts/lib/startChecks.js";

describe("npm start's checks before it touches anything", () => {
  describe("assertPortFree", () => {
    let server: Server;
    let port: number;
    beforeEach(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as { port: number }).port;
    });
    afterEach(() => server.close());

    it("refuses a port in use, naming it and the variable to change", async () => {
      const refusal = await assertPortFree("127.0.0.1", port, { port: "LEDGER_RPC_PORT" }).catch((error: unknown) => error);
      expect(refusal).to.be.instanceOf(StartRefusedError);
      expect((refusal as Error).message).to.equal(`port ${port} on 127.0.0.1 is in use: set LEDGER_RPC_PORT to a free port (0: any free port)`);
    });

    it("passes a free port (and leaves it free), and port 0 on a local address", async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await assertPortFree("127.0.0.1", port, { port: "LEDGER_API_PORT" });
      await assertPortFree("127.0.0.1", port, { port: "LEDGER_API_PORT" }); // the probe closed it again
      await assertPortFree("127.0.0.1", 0, { port: "LEDGER_API_PORT" });
    });

    it("names the host's variable when the address is not this machine's", async () => {
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): no interface here has it, so binding fails with EADDRNOTAVAIL.
      const refusal = await assertPortFree("192.0.2.1", port, { port: "LEDGER_API_PORT", host: "LEDGER_API_HOST" }).catch((error: unknown) => error);
      expect((refusal as Error).message).to.equal(`cannot listen on 192.0.2.1:${port} (EADDRNOTAVAIL): set LEDGER_API_HOST`);
      // Port 0 too: any port, but not on an address this machine does not have.
      const anyPort = await assertPortFree("192.0.2.1", 0, { port: "LEDGER_API_PORT", host: "LEDGER_API_HOST" }).catch((error: unknown) => error);
      expect((anyPort as Error).message).to.equal("cannot listen on 192.0.2.1:0 (EADDRNOTAVAIL): set LEDGER_API_HOST");
    });
  });

  describe("lockStore", () => {
    let dir: string;
    let lockPath: string;
    const notices: string[] = [];
    const notice = (line: string) => notices.push(line);
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "start-lock-"));
      lockPath = join(dir, ".ledger", "chain-31337.lock"); // .ledger/ does not exist yet: made
      notices.length = 0;
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it("writes this pid into a new lock file and removes it on release", async () => {
      const lock = await lockStore(lockPath, "set LEDGER_DEPLOYMENT_ID", notice);
      expect(await readFile(lockPath, "utf8")).to.equal(`${process.pid}\n`);
      lock.release();
      expect(existsSync(lockPath)).to.equal(false);
      lock.release(); // twice: nothing to do
      expect(notices).to.deep.equal([]);
    });

    it("refuses a lock held by a running process, naming its pid, and leaves the lock", async () => {
      // The test runner's parent process is running and is not this one.
      await lockStore(lockPath, "x", notice).then((lock) => lock.release());
      await writeFile(lockPath, `${process.ppid}\n`);
      const refusal = await lockStore(lockPath, "set LEDGER_DEPLOYMENT_ID to run another", notice).catch((error: unknown) => error);
      expect(refusal).to.be.instanceOf(StartRefusedError);
      expect((refusal as Error).message).to.equal(
        `the ledger store is in use by another npm start (pid ${process.ppid}, lock ${lockPath}): stop it, or set LEDGER_DEPLOYMENT_ID to run another`,
      );
      expect(await readFile(lockPath, "utf8")).to.equal(`${process.ppid}\n`);
    });

    it("takes over the lock of a process that is gone, saying so", async () => {
      const gone = spawnSync(process.execPath, ["-e", "0"]).pid!; // ran and exited: its pid is free
      await lockStore(lockPath, "x", notice).then((lock) => lock.release());
      await writeFile(lockPath, `${gone}\n`);
      const lock = await lockStore(lockPath, "x", notice);
      expect(notices).to.deep.equal([`taking over the lock ${lockPath} of process ${gone}, which is no longer running`]);
      expect(await readFile(lockPath, "utf8")).to.equal(`${process.pid}\n`);
      lock.release();
    });

    it("on release leaves a lock that another process has taken since", async () => {
      const lock = await lockStore(lockPath, "x", notice);
      await writeFile(lockPath, `${process.ppid}\n`);
      lock.release();
      expect(await readFile(lockPath, "utf8")).to.equal(`${process.ppid}\n`);
    });
  });
});
