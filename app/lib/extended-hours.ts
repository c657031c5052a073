/**
 * Which of a stock chart's bars fall in pre-market or after-hours, as runs of consecutive bars,
 * for the chart to shade as Yahoo and TradingView do. A bar counts by its start time. Crypto
 * trades around the clock and has no extended hours. The runs are kept as bars arrive: a new
 * bar extends the newest run or starts one; an update of the newest bar changes nothing, since
 * its start stays the same.
 */
import { isExtendedHours, type SymbolKind } from "../../party/market/sessions/index.ts";

/** Bars `from` to `to`, both included, by index in the chart (oldest first). */
export type BarRun = { from: number; to: number };

export class ExtendedRuns {
  readonly #kind: SymbolKind;
  #runs: BarRun[] = [];
  #count = 0;

  constructor(kind: SymbolKind) {
    this.#kind = kind;
  }

  get runs(): readonly BarRun[] {
    return this.#runs;
  }

  /** Bars taken in so far. */
  get count(): number {
    return this.#count;
  }

  /** Starts over from every bar's start time (ms), oldest first. */
  load(times: readonly number[]): void {
    this.#runs = [];
    this.#count = 0;
    for (const time of times) this.add(time);
  }

  /** Takes in a new bar after the newest; true when the runs changed. */
  add(time: number): boolean {
    const index = this.#count++;
    if (!isExtendedHours(this.#kind, time)) return false;
    const last = this.#runs[this.#runs.length - 1];
    if (last && last.to === index - 1) last.to = index;
    else this.#runs.push({ from: index, to: index });
    return true;
  }
}

/** The runs of extended-hours bars among bars starting at `times` (ms, oldest first). */
export function extendedRuns(kind: SymbolKind, times: readonly number[]): BarRun[] {
  const runs = new ExtendedRuns(kind);
  runs.load(times);
  return [...runs.runs];
}
