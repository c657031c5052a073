/**
 * Running local servers: the tests and the benchmark start `partykit dev` (and their own
 * helpers) on ports the OS hands out, each leading its own process group, and stop them by
 * that group, since `partykit` forks `workerd`, which would otherwise outlive it.
 */
import { createServer } from "node:net";

/** A port the OS considers free right now (workerd listens on every interface). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "0.0.0.0", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("no port from the OS"))));
    });
  });
}

/** Signals every process of a group; a group that is gone already is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}
