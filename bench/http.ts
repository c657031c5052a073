/**
 * HTTP requests for the push and snapshot measurements: node:http over kept-alive connections,
 * timed from the request to the last byte of the body, so that a figure is the server's round
 * trip and not a new TCP handshake each time.
 */
import { Agent, request } from "node:http";

export type Answer = { status: number; text: string; ms: number };

export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets });
}

export function httpRequest(
  agent: Agent,
  method: "GET" | "POST",
  url: string,
  options: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...options.headers,
          ...(body ? { "content-type": "application/json", "content-length": body.length } : {}),
        },
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer in time`)));
    req.on("error", reject);
    req.end(body);
  });
}

export async function getJson<T>(agent: Agent, url: string, timeoutMs?: number): Promise<T> {
  const res = await httpRequest(agent, "GET", url, { timeoutMs });
  if (res.status !== 200)
    throw new Error(`GET ${url}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  return JSON.parse(res.text) as T;
}
