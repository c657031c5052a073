/**
 * Serves the Worker the way `npm start` does: Miniflare, the library `wrangler dev` itself runs
 * on, started directly on the bundle `npm run build` made (`wrangler deploy --dry-run`), with
 * the Durable Objects, assets and compatibility date that `wrangler.jsonc` declares, read by
 * wrangler's own translation of that file. Chosen over `wrangler dev` because `wrangler dev`
 * carries every frame through a proxy worker in a second process (about a third more CPU per
 * send and a quarter of the sockets accepted per second, docs/benchmarks.md), and over
 * `partykit dev` because that one listens on every interface with an open DevTools inspector.
 *
 * - Every listener is on 127.0.0.1 unless `HOST` says otherwise; no inspector is opened.
 * - Settings reach the Worker as bindings handed over in this process, never on a command line.
 * - Nothing watches the checkout: a file written while it runs restarts nothing.
 * - Room storage persists in `PERSIST_DIR` (`.wrangler/state`) across restarts.
 *
 * Run directly (`tsx scripts/serve.ts`) it reads `PORT`, `HOST`, `PERSIST_DIR` and the room
 * settings from the environment and `.env`, and stops cleanly on SIGINT or SIGTERM.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { readHeadersFile } from "./asset-headers.ts";
import { loadDotEnv, portFromEnv, ROOT, roomSettings, WORKER_BUNDLE } from "./settings.ts";

export type ServeOptions = {
  port: number;
  /** The interface to listen on; loopback unless a caller opts in to more. */
  host?: string;
  /** Where Durable Object storage lives. */
  persist: string;
  /** Room settings (`INGEST_TOKEN`, `FEEDS`, ...), as bindings. */
  settings: Record<string, string>;
};

export async function serveWorker(
  options: ServeOptions,
): Promise<{ url: URL; stop(): Promise<void> }> {
  if (!existsSync(WORKER_BUNDLE)) {
    throw new Error(`${WORKER_BUNDLE} is missing: run \`npm run build\` first`);
  }
  const { workerOptions } = unstable_getMiniflareWorkerOptions(resolve(ROOT, "wrangler.jsonc"));
  const assets = workerOptions.assets;
  const miniflare = new Miniflare({
    ...workerOptions,
    ...(assets && {
      assets: {
        ...assets,
        assetConfig: {
          ...assets.assetConfig,
          headers: readHeadersFile(resolve(assets.directory, "_headers")),
        },
      },
    }),
    modules: true,
    modulesRoot: ROOT,
    scriptPath: WORKER_BUNDLE,
    bindings: { ...workerOptions.bindings, ...options.settings },
    host: options.host ?? "127.0.0.1",
    port: options.port,
    durableObjectsPersist: resolve(options.persist, "do"),
    // No `Request.cf` download: the server runs offline.
    cf: false,
  });
  const url = await miniflare.ready;
  return { url, stop: () => miniflare.dispose() };
}

export async function main(): Promise<void> {
  loadDotEnv();
  const port = portFromEnv();
  const host = process.env.HOST || "127.0.0.1";
  const persist = resolve(ROOT, process.env.PERSIST_DIR || ".wrangler/state");
  const server = await serveWorker({ port, host, persist, settings: roomSettings() });
  const shown = host === "127.0.0.1" ? "localhost" : host;
  console.log(
    `Tickerroom on http://${shown}:${port}  (rooms stored in ${persist}; Ctrl-C to stop)`,
  );
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void server.stop().finally(() => process.exit(0));
    });
  }
}
