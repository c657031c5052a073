import { defineConfig } from "vitest/config";

/**
 * Three layers, each real at its level: pure code (no sockets), rooms against a real
 * `partykit dev` over real sockets, and the app in real Chromium. The last two start servers,
 * so their files run one at a time, and the layers one after another, to keep timings honest
 * on a small machine.
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
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 90_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
