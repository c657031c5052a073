/**
 * Seeded randomness for fuzz tests: every run of a seed makes the same choices, so a failing
 * seed is a reproducible case. `FUZZ_SEED=1234` runs that seed alone; `FUZZ_RUNS=2000` runs more
 * seeds than a file's default;
 * `FUZZ_TRACE=500` shows more of a failing seed's trace than its last 40 lines.
 */
import { mix } from "../../party/market/random.ts";

export class Rng {
  private n = 0;

  constructor(readonly seed: number) {}

  /** A float in [0, 1). */
  next(): number {
    return mix(this.seed, 0x5eed, this.n++) / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError("pick() from an empty list");
    return item;
  }

  /** One of the keys, each drawn in proportion to its weight. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    let left = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, w] of entries) {
      left -= w;
      if (left < 0) return key;
    }
    return (entries.at(-1) as [K, number])[0];
  }
}

/** The seeds to run: `FUZZ_SEED` alone, or `FUZZ_RUNS` (else `runs`) seeds from 1. */
export function fuzzSeeds(runs: number): number[] {
  const one = process.env.FUZZ_SEED;
  if (one !== undefined && one !== "") return [Number(one)];
  const count = Number(process.env.FUZZ_RUNS ?? runs) || runs;
  return Array.from({ length: count }, (_, i) => i + 1);
}

/**
 * Runs `run` for each seed. A failure names the seed, the command that replays it and the last
 * steps of its trace (what `run` wrote with `log`).
 */
export async function eachSeed(
  runs: number,
  file: string,
  run: (rng: Rng, log: (line: string) => void) => Promise<void>,
): Promise<void> {
  for (const seed of fuzzSeeds(runs)) {
    const trace: string[] = [];
    try {
      await run(new Rng(seed), (line) => trace.push(line));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const diff = differs(err);
      const rerun = `FUZZ_SEED=${seed} npx vitest run --project unit ${file}`;
      const steps = trace.slice(-(Number(process.env.FUZZ_TRACE) || 40)).join("\n  ");
      const error = new Error(
        `seed ${seed} failed (rerun: ${rerun}): ${why}${diff}\n  …\n  ${steps}`,
      );
      error.stack = `${error.message}\n${err instanceof Error ? err.stack : ""}`;
      throw error;
    }
  }
}

/** An assertion's two sides in full: the error's own text shortens them. */
function differs(err: unknown): string {
  if (typeof err !== "object" || err === null || !("expected" in err)) return "";
  const { actual, expected } = err as { actual?: unknown; expected?: unknown };
  return `\n  actual:   ${JSON.stringify(actual)}\n  expected: ${JSON.stringify(expected)}`;
}
