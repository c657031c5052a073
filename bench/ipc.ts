/**
 * Requests and replies over a forked child's IPC channel. The benchmark's helpers (feed, peer,
 * client processes) each serve a handful of commands; every call has a deadline, so a child
 * that hangs fails the run instead of stalling it.
 */
import type { ChildProcess } from "node:child_process";

type Envelope = { id: number; request: unknown };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** A command map: each command's request and the reply it gets. */
export type Commands = Record<string, { request: unknown; reply: unknown }>;

export class Rpc<C extends Commands> {
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private exited: string | null = null;
  /** Messages the child sends on its own (not replies), such as its listening port. */
  private readonly events: unknown[] = [];
  private eventWaiters: (() => void)[] = [];

  constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.on("message", (raw) => {
      const msg = raw as Partial<Reply> & { event?: unknown };
      if (typeof msg.id === "number" && "ok" in msg) {
        const waiter = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        if (!waiter) return;
        if (msg.ok) waiter.resolve((msg as { value: unknown }).value);
        else waiter.reject(new Error(`${name}: ${(msg as { error: string }).error}`));
        return;
      }
      this.events.push(msg.event);
      for (const wake of this.eventWaiters.splice(0)) wake();
    });
    child.once("exit", (code, signal) => {
      this.exited = `${name} exited (${code ?? signal})`;
      for (const waiter of this.waiting.values()) waiter.reject(new Error(this.exited));
      this.waiting.clear();
      for (const wake of this.eventWaiters.splice(0)) wake();
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  call<K extends keyof C & string>(
    command: K,
    request: C[K]["request"],
    timeoutMs = 30_000,
  ): Promise<C[K]["reply"]> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: no reply to ${command} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as C[K]["reply"]);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, request: { command, ...(request as object) } } satisfies Envelope);
    });
  }

  /** The first event the child sent on its own, waiting up to `timeoutMs` for one. */
  async event<T>(timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      if (this.exited) throw new Error(this.exited);
      if (Date.now() > deadline) throw new Error(`${this.name}: silent for ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
        this.eventWaiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
    return this.events.shift() as T;
  }
}

/** Child side: answers each request with what `handle` returns (or the error it throws). */
export function serve(handle: (request: { command: string } & Record<string, unknown>) => unknown) {
  process.on("message", async (raw) => {
    const { id, request } = raw as Envelope;
    try {
      const value = await handle(request as { command: string } & Record<string, unknown>);
      process.send?.({ id, ok: true, value } satisfies Reply);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      process.send?.({ id, ok: false, error } satisfies Reply);
    }
  });
}

/** Child side: a message of the child's own, such as "listening on port N". */
export function announce(event: unknown): void {
  process.send?.({ event });
}
