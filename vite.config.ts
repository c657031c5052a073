import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const roomsPort = process.env.ROOMS_PORT ?? "2000";

export default defineConfig({
  root: "app",
  publicDir: "public",
  plugins: [react()],
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
