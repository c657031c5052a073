/**
 * Delays in whole milliseconds, counted in 1 ms buckets. Client processes see hundreds of
 * thousands of ticks a second, so they count instead of keeping every value, and send the
 * parent only the buckets that are not empty.
 */

/** Delays from this long on share the last bucket (reported as "≥ 60000"). */
export const HISTOGRAM_MAX_MS = 60_000;

/** `[delay in ms, count]` for every bucket that is not empty. */
export type SparseHistogram = [number, number][];

export class Histogram {
  readonly counts = new Float64Array(HISTOGRAM_MAX_MS + 1);
  total = 0;

  record(ms: number): void {
    const bucket = ms <= 0 ? 0 : ms >= HISTOGRAM_MAX_MS ? HISTOGRAM_MAX_MS : Math.floor(ms);
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.total++;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }

  sparse(): SparseHistogram {
    const out: SparseHistogram = [];
    for (let ms = 0; ms < this.counts.length; ms++) {
      const n = this.counts[ms] as number;
      if (n > 0) out.push([ms, n]);
    }
    return out;
  }

  add(sparse: SparseHistogram): void {
    for (const [ms, n] of sparse) {
      this.counts[ms] = (this.counts[ms] as number) + n;
      this.total += n;
    }
  }

  /** Nearest rank: the smallest delay that at least `p` percent of values do not exceed. */
  percentile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let ms = 0; ms < this.counts.length; ms++) {
      seen += this.counts[ms] as number;
      if (seen >= rank) return ms;
    }
    return HISTOGRAM_MAX_MS;
  }

  max(): number | null {
    for (let ms = this.counts.length - 1; ms >= 0; ms--)
      if ((this.counts[ms] as number) > 0) return ms;
    return null;
  }
}

/** Percentile of a small list of raw values (request latencies), nearest rank. */
export function percentileOf(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}
