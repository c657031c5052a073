import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { adoptEarly, openEarly } from "./early-socket.ts";

/** Each connection gets "one" and "two" at once and "three" when it sends "more"; `/gone` is closed at once. */
let server: WebSocketServer;
let base: string;

beforeAll(async () => {
  server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on("connection", (ws, req) => {
    if (req.url?.startsWith("/gone")) {
      ws.close(4000, "gone");
      return;
    }
    ws.send("one");
    ws.send("two");
    ws.on("message", (data) => {
      if (String(data) === "more") ws.send("three");
    });
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

const Socket = WebSocket as unknown as new (url: string) => globalThis.WebSocket;

/** Resolves once `socket` has seen `count` events of `type`; fails after 5 s. */
function seen(socket: globalThis.WebSocket, type: string, count = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const timer = setTimeout(() => reject(new Error(`no ${count} ${type} event(s)`)), 5000);
    socket.addEventListener(type, () => {
      if (++n < count) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (check()) resolve();
      else if (Date.now() - started > 5000) reject(new Error("timed out"));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

describe("a socket opened early", () => {
  it("gives its adopter what came before, in order, then what comes after", async () => {
    const early = openEarly(`${base}/parties/ticker/AAPL?_pk=early`, { Socket });
    await seen(early, "message", 2);
    // partysocket asks with its own connection id: the room is what must match.
    const adopted = adoptEarly(`${base}/parties/ticker/AAPL?_pk=other`);
    expect(adopted).not.toBeNull();
    const heard: string[] = [];
    adopted?.addEventListener("open", () => heard.push("open"));
    adopted?.addEventListener("message", (e) => heard.push(String((e as MessageEvent).data)));
    expect(heard).toEqual([]);
    await until(() => heard.length === 3);
    expect(heard).toEqual(["open", "one", "two"]);
    adopted?.send("more");
    await until(() => heard.length === 4);
    expect(heard.at(-1)).toBe("three");
    adopted?.close();
  });

  it("sends messages to its sink until adopted, and only the rest to the adopter", async () => {
    const sunk: string[] = [];
    const early = openEarly(`${base}/parties/ticker/BTC-USD?_pk=a`, {
      Socket,
      onMessage: (text) => sunk.push(text),
    });
    await seen(early, "message", 2);
    expect(sunk).toEqual(["one", "two"]);
    const adopted = adoptEarly(`${base}/parties/ticker/BTC-USD?_pk=b`);
    const heard: string[] = [];
    adopted?.addEventListener("open", () => heard.push("open"));
    adopted?.addEventListener("message", (e) => heard.push(String((e as MessageEvent).data)));
    adopted?.send("more");
    await until(() => heard.length === 2);
    expect(heard).toEqual(["open", "three"]);
    expect(sunk).toEqual(["one", "two"]);
    adopted?.close();
  });

  it("is adopted once, and only for its own room", async () => {
    const early = openEarly(`${base}/parties/ticker/MSFT?_pk=a`, { Socket });
    await seen(early, "open");
    expect(adoptEarly(`${base}/parties/ticker/AAPL?_pk=b`)).toBeNull();
    expect(adoptEarly(`${base}/parties/ticker/MSFT?mode=quote&_pk=b`)).toBeNull();
    const adopted = adoptEarly(`${base}/parties/ticker/MSFT?_pk=b`);
    expect(adopted?.readyState).toBe(1);
    expect(adoptEarly(`${base}/parties/ticker/MSFT?_pk=b`)).toBeNull();
    adopted?.close();
  });

  it("is not adopted once it has closed: the adopter connects afresh", async () => {
    const early = openEarly(`${base}/gone?_pk=a`, { Socket });
    await seen(early, "close");
    expect(adoptEarly(`${base}/gone?_pk=b`)).toBeNull();
  });
});
