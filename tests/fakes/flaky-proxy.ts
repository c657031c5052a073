/**
 * An HTTP proxy in front of a test server that fails on request: it answers a push with an
 * error status without passing it on (the push never arrived), or passes a push on and then
 * drops the connection before the answer (the push arrived but the pusher never heard). A feed
 * bridge must come through both without losing or duplicating a tick.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ProxiedRequest = {
  method: string;
  path: string;
  /** The status the client saw; null when the proxy dropped the connection instead. */
  status: number | null;
  /** Whether the request reached the server behind. */
  forwarded: boolean;
};

export interface FlakyProxy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  /** The next `count` matching requests get `status` (503 by default) and are not passed on. */
  failNext(count: number, status?: number): void;
  /** The next `count` matching requests are passed on, then their connection is dropped unanswered. */
  loseNextReply(count: number): void;
  close(): Promise<void>;
}

/**
 * @param target the server behind, e.g. `http://127.0.0.1:1999`
 * @param matches which requests the failures apply to; by default every POST
 */
export async function startFlakyProxy(
  target: string,
  matches: (method: string, path: string) => boolean = (method) => method === "POST",
): Promise<FlakyProxy> {
  const behind = new URL(target);
  const requests: ProxiedRequest[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let lostReplies = 0;

  const server: Server = createServer((req, res) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const applies = matches(method, path);
      if (applies && failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        requests.push({ method, path, status: failures.status, forwarded: false });
        res.writeHead(failures.status, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { code: "unavailable", message: "the proxy failed this request on purpose" },
          }),
        );
        return;
      }
      const lose = applies && lostReplies > 0;
      if (lose) lostReplies--;
      const entry: ProxiedRequest = { method, path, status: null, forwarded: true };
      requests.push(entry);
      const upstream = request(
        {
          host: behind.hostname,
          port: behind.port,
          method,
          path,
          headers: { ...req.headers, host: behind.host },
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on("data", (c: Buffer) => body.push(c));
          answer.on("end", () => {
            if (lose) {
              req.socket.destroy();
              return;
            }
            entry.status = answer.statusCode ?? 502;
            res.writeHead(entry.status, answer.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.on("error", () => {
        entry.status = 502;
        if (!res.headersSent) res.writeHead(502).end();
      });
      upstream.end(Buffer.concat(chunks));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, status = 503) {
      failures = { count, status };
    },
    loseNextReply(count) {
      lostReplies = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
