import { defineConfig } from "vitest/config";

/**
 * Three layers, each real at its level: pure code (no sockets), rooms over real sockets
 * against the Worker as `npm start` serves it, and the app in real Chromium against the same.
 * The protocol suites run a second time against `partykit dev`, so that both shells stay
 * correct. Layers that start servers run their files one at a time, and the layers one after
 * another, to keep timings honest on a small machine.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["party/**/*.test.ts", "app/**/*.test.ts", "tests/unit/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "integration-partykit",
          // The protocol suites. The attack suites and the ranges run on the Worker only: they
          // test the cores' decisions, which are the same code in both shells.
          include: [
            "tests/integration/ticker-*.test.ts",
            "tests/integration/watchlist*.test.ts",
            "tests/integration/feed-rooms.test.ts",
          ],
          exclude: [
            "tests/integration/ticker-attacks.test.ts",
            "tests/integration/watchlist-attacks.test.ts",
            "tests/integration/ticker-ranges.test.ts",
          ],
          env: { TEST_RUNTIME: "partykit" },
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 90_000,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
