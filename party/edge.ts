/**
 * The edge: what is decided about a request before any room sees it, and about a response on
 * its way out. Browsers may only write from allowed origins; creating lists and opening rooms
 * that did not exist yet are budgeted per client; nothing that writes is open to other sites.
 * The Worker and the PartyKit shells both run it; the rooms never see a request it refused.
 */
import { httpError } from "./http.ts";
import { ErrorCode, LIMITS } from "./protocol/index.ts";
import { setting } from "./rooms/host.ts";

export type EdgeSettings = {
  /** Origins allowed besides the server's own (`ALLOWED_ORIGINS`, a comma list). */
  allowedOrigins: readonly string[];
  /** Per-client budgets; `BUDGETS=off` switches them off for load tests from one machine. */
  budgets: boolean;
};

export function edgeSettings(env: Readonly<Record<string, unknown>>): EdgeSettings {
  const origins = setting(env, "ALLOWED_ORIGINS") ?? "";
  return {
    allowedOrigins: origins
      .split(",")
      .map((o) => o.trim().replace(/\/+$/, ""))
      .filter(Boolean),
    budgets: setting(env, "BUDGETS") !== "off",
  };
}

/** Requests that change something, or open a socket, as opposed to reads. */
export function isWrite(req: Request): boolean {
  if (req.headers.get("upgrade")?.toLowerCase() === "websocket") return true;
  return !["GET", "HEAD", "OPTIONS"].includes(req.method);
}

/**
 * A 403 for a browser writing from another site. Requests without `Origin` (programs, bridges)
 * are not affected, and reads stay open to everyone.
 */
export function refuseOrigin(req: Request, settings: EdgeSettings): Response | null {
  const origin = req.headers.get("origin");
  if (origin === null || !isWrite(req)) return null;
  const own = new URL(req.url).origin;
  if (origin === own || settings.allowedOrigins.includes(origin)) return null;
  return httpError(
    403,
    ErrorCode.forbidden,
    `requests from ${origin.slice(0, 100)} are not allowed here (ALLOWED_ORIGINS)`,
  );
}

/** Responses to writes carry no CORS grant: only reads are readable from other sites. */
export function withoutWriteCors(req: Request, res: Response): Response {
  if (!isWrite(req) || res.status === 101 || !res.headers.has("access-control-allow-origin")) {
    return res;
  }
  const out = new Response(res.body, res);
  for (const name of [...out.headers.keys()]) {
    if (name.startsWith("access-control-")) out.headers.delete(name);
  }
  return out;
}

/** What a budget is asked: may this client spend one more? */
export interface Budget {
  allow(client: string): Promise<boolean>;
}

/** The two budgets, with their numbers (docs/security.md). */
export const BUDGETS = {
  lists: { limit: LIMITS.listsPerMinute, periodMs: 60_000 },
  rooms: { limit: LIMITS.newRoomsPerMinute, periodMs: 60_000 },
} as const;
export type BudgetName = keyof typeof BUDGETS;

/** Cloudflare's rate limiting binding, as the Worker sees it. */
export type RateLimitBinding = { limit(options: { key: string }): Promise<{ success: boolean }> };

export function bindingBudget(binding: RateLimitBinding): Budget {
  return { allow: async (client) => (await binding.limit({ key: client })).success };
}

/**
 * A budget kept in memory, for runtimes without the binding: a sliding log of each client's
 * spends over the period, forgotten once the period is over.
 */
export class LocalBudget implements Budget {
  private readonly spent = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async allow(client: string): Promise<boolean> {
    const now = this.now();
    const since = now - this.periodMs;
    const log = (this.spent.get(client) ?? []).filter((t) => t > since);
    const ok = log.length < this.limit;
    if (ok) log.push(now);
    this.spent.set(client, log);
    if (this.spent.size > 10_000) this.forget(since);
    return ok;
  }

  private forget(since: number): void {
    for (const [client, log] of this.spent) {
      if (!log.some((t) => t > since)) this.spent.delete(client);
    }
  }
}

/** The answer once a budget is spent: 429 with when to try again. */
export function overBudget(name: BudgetName): Response {
  const { limit, periodMs } = BUDGETS[name];
  const what = name === "lists" ? "new lists" : "rooms that did not exist yet";
  const res = httpError(
    429,
    ErrorCode.rateLimited,
    `at most ${limit} ${what} per client per minute; try again in a minute`,
  );
  res.headers.set("retry-after", String(Math.ceil(periodMs / 1000)));
  return res;
}
