/**
 * A push room from a test's side: ticks pushed with the server's ingest token, so that the tick
 * that crosses an alert is the test's own, and the room's alert counters to wait on.
 */
import type { TestServer } from "./server.ts";

export type PushRoom = {
  /** Pushes one tick at `price`; resolves once the room has stored it. */
  push(price: number): Promise<void>;
  /** The room's alert counters (`GET ?stats`). */
  stats(): Promise<{ alertsArmed: number; alertsPending: number }>;
};

export function pushRoom(server: TestServer, token: string, symbol: string): PushRoom {
  const url = `${server.url}/parties/ticker/${symbol}`;
  const auth = { authorization: `Bearer ${token}` };
  let lastTime = 0;
  return {
    async push(price) {
      lastTime = Math.max(lastTime + 1, Date.now());
      const res = await fetch(url, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ ticks: [[lastTime, price, 1]] }),
      });
      if (res.status !== 200)
        throw new Error(`push to ${symbol}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    },
    async stats() {
      const res = await fetch(`${url}?stats`, { headers: auth });
      if (res.status !== 200) throw new Error(`stats of ${symbol}: ${res.status}`);
      return (await res.json()) as { alertsArmed: number; alertsPending: number };
    },
  };
}

/** Polls `check` until it holds, or fails naming `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
