/**
 * Draws a long range on the price chart: the bars fetched once for the symbol and range, then
 * the newest ones carried on from the store's live minutes (`range-bars.ts`) with
 * `series.update`. Days and weeks are UTC dates (a stock's bar is its New York trading date), so
 * they are labelled in UTC; intraday bars keep the reader's clock. The chart element says what
 * it shows in `data-range`, `data-interval`, `data-bars`, `data-first`, `data-last` and
 * `data-close` (the newest bar's, live). This is
 * a chunk of its own, loaded when a long range is first chosen; it imports nothing of the chart
 * library's at run time, which would move the library into a chunk shared with the chart's.
 */
import type { Time, TimeScaleOptions, UTCTimestamp } from "lightweight-charts";
import type { Candle, ChartRange, RangeAnswer } from "../../party/protocol/index.ts";
import type { ChartHandles } from "./chart-setup.ts";
import { liveTail } from "./range-bars.ts";
import { fetchRange } from "./range-history.ts";
import type { TickerState } from "./ticker-state.ts";
import type { TickerStore } from "./ticker-store.ts";

const seconds = (ms: number) => (ms / 1000) as UTCTimestamp;
const toMs = (time: Time) => (typeof time === "number" ? time * 1000 : Date.parse(String(time)));
const utc = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(undefined, { ...options, timeZone: "UTC" });
const utcDate = utc({ weekday: "short", day: "numeric", month: "short", year: "numeric" });
const utcDayMonth = utc({ day: "numeric", month: "short" });
const utcMonth = utc({ month: "short" });
const utcYear = utc({ year: "numeric" });

/** `TickMarkType` Year (0) and Month (1) by value; days otherwise. */
function utcTickMark(time: Time, type: number): string {
  const ms = toMs(time);
  if (type === 0) return utcYear.format(ms);
  if (type === 1) return utcMonth.format(ms);
  return utcDayMonth.format(ms);
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DATA = ["range", "interval", "bars", "first", "last", "close"] as const;

/**
 * Shows `range` of the store's symbol on the chart in `target` until the function it returns is
 * called, which gives the chart back its own time labels.
 */
export function showRange(
  chart: ChartHandles,
  target: HTMLElement,
  store: TickerStore,
  range: ChartRange,
): () => void {
  const { candles, line, volume } = chart;
  const before = chart.chart.options();
  const labels = {
    timeScale: {
      timeVisible: before.timeScale.timeVisible,
      tickMarkFormatter: (before.timeScale as TimeScaleOptions).tickMarkFormatter,
    },
    localization: { timeFormatter: before.localization.timeFormatter },
  };
  line.applyOptions({ visible: false });
  line.setData([]);
  candles.applyOptions({ visible: true });
  candles.setData([]);
  volume.setData([]);
  target.dataset.range = range;
  const note = overlay(target, "chart-skeleton", '<span class="skeleton"></span>');

  let stopped = false;
  let unsubscribe: () => void = () => undefined;
  let newest = Number.NEGATIVE_INFINITY;
  let minutes: readonly Candle[] | null = null;
  /**
   * A stock's daily, weekly and hourly bars hold its regular session only (`hours: "regular"`):
   * the minutes seen while the room's quote said the session was regular, the newest of each
   * update (and, at the first, those since the answer). The market's calendar stays out of this
   * chunk, which would otherwise share it with the indicators' in a chunk of its own.
   */
  const regular = new Set<number>();

  const toBar = ([start, open, high, low, close]: Candle) => ({
    time: seconds(start),
    open,
    high,
    low,
    close,
  });
  const barVolume = (bar: Candle) => ({
    time: seconds(bar[0]),
    value: bar[5],
    color: bar[4] < bar[1] ? chart.colors.volumeDown : chart.colors.volumeUp,
  });
  const describe = (count: number, first: Candle | undefined, last: Candle | undefined) => {
    target.dataset.bars = String(count);
    if (first) target.dataset.first = isoDay(first[0]);
    if (last) target.dataset.last = isoDay(last[0]);
  };
  const showClose = (bar: Candle | undefined) => {
    if (bar) target.dataset.close = String(bar[4]);
  };

  const load = (answer: RangeAnswer) => {
    if (answer.interval === "1day" || answer.interval === "1week") {
      chart.chart.applyOptions({
        timeScale: { timeVisible: false, tickMarkFormatter: utcTickMark },
        localization: { timeFormatter: (time: Time) => utcDate.format(toMs(time)) },
      });
    }
    candles.setData(answer.candles.map(toBar));
    volume.setData(answer.candles.map(barVolume));
    newest = answer.candles[answer.candles.length - 1]?.[0] ?? newest;
    chart.chart.timeScale().fitContent();
    target.dataset.interval = answer.interval;
    describe(answer.candles.length, answer.candles[0], answer.candles[answer.candles.length - 1]);
    showClose(answer.candles[answer.candles.length - 1]);
  };

  const follow = (answer: RangeAnswer, state: TickerState) => {
    const live = state.candles;
    if (live === minutes) return;
    const first = minutes === null;
    minutes = live;
    if (answer.hours === "regular" && state.quote?.session === "regular") {
      for (let i = live.length - 1; i >= 0; i--) {
        const start = (live[i] as Candle)[0];
        if (start < answer.asOf - 60_000) break;
        regular.add(start);
        if (!first) break;
      }
    }
    const keep = answer.hours === "regular" ? (start: number) => regular.has(start) : undefined;
    const tail = liveTail(answer, live, keep);
    for (const bar of tail) {
      if (bar[0] < newest) continue;
      candles.update(toBar(bar));
      volume.update(barVolume(bar));
      newest = bar[0];
    }
    showClose(tail[tail.length - 1]);
    if (tail.length > 1)
      describe(answer.candles.length - 1 + tail.length, answer.candles[0], tail[tail.length - 1]);
  };

  fetchRange(store.getState().symbol, range).then(
    (answer) => {
      if (stopped) return;
      note.remove();
      load(answer);
      unsubscribe = store.subscribe((state) => follow(answer, state));
      follow(answer, store.getState());
    },
    (err: unknown) => {
      if (stopped) return;
      note.className = "chart-message";
      note.setAttribute("role", "alert");
      note.textContent = err instanceof Error ? err.message : String(err);
    },
  );

  return () => {
    stopped = true;
    unsubscribe();
    note.remove();
    chart.chart.applyOptions(labels);
    for (const name of DATA) delete target.dataset[name];
  };
}

/** A box over the chart: the skeleton while the range loads, then any error in its place. */
function overlay(target: HTMLElement, className: string, html: string): HTMLElement {
  const box = document.createElement("div");
  box.className = className;
  box.innerHTML = html;
  target.parentElement?.append(box);
  return box;
}
