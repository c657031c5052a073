import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const roomsPort = process.env.ROOMS_PORT ?? "2000";

export default defineConfig({
  root: "app",
  publicDir: "public",
  plugins: [react(), preloadApp()],
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    target: "es2022",
    // No source maps: the built app is public, its sources need not be.
    sourcemap: false,
  },
  server: {
    proxy: {
      "/parties": { target: `http://127.0.0.1:${roomsPort}`, ws: true },
    },
  },
});

/**
 * The entry (main.tsx) is small and asks for the app's chunk itself; a `modulepreload` of that
 * chunk in the page lets the browser fetch both at once instead of one after the other, a
 * round trip less before any page shows.
 */
function preloadApp(): Plugin {
  return {
    name: "tickerroom:preload-app",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        const app = Object.values(ctx.bundle ?? {}).find(
          (out) => out.type === "chunk" && out.facadeModuleId?.endsWith("/app/app-root.tsx"),
        );
        if (!app) throw new Error("the app's chunk (app-root.tsx) is not in the bundle");
        return [
          {
            tag: "link",
            attrs: { rel: "modulepreload", crossorigin: true, href: `/${app.fileName}` },
            injectTo: "head",
          },
        ];
      },
    },
  };
}
