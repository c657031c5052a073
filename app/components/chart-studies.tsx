/**
 * Indicators and compared symbols on the price chart, loaded only once one is chosen: their
 * maths, their chart wiring and their styles are a chunk of their own. The chart layer is
 * imperative; React only says which indicators and symbols there are, and keeps one ticker
 * socket open per compared symbol.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { sessionDay, symbolKind } from "../../party/market/sessions/index.ts";
import { parseIndicators } from "../lib/indicators/indicator-spec.ts";
import { type SessionStart, utcDay } from "../lib/indicators/vwap.ts";
import { ChartStudies as Studies } from "../lib/studies/chart-studies.ts";
import { parseCompare } from "../lib/studies/compare-spec.ts";
import { StudyLegend } from "../lib/studies/study-legend.ts";
import { studyPalette } from "../lib/studies/study-palette.ts";
import type { Timeframe } from "../lib/timeframes.ts";
import { useTickerRoom } from "../lib/use-ticker-room.ts";
import type { ChartAccess } from "./price-chart.tsx";
import "./studies.css";

type Props = ChartAccess & {
  symbol: string;
  timeframe: Timeframe;
  /** The URL's `ind` and `cmp` values. */
  indicators: string;
  compare: string;
};

/** VWAP starts over with a stock's New York session (pre-market included), crypto's UTC day. */
function vwapSession(symbol: string): SessionStart {
  return symbolKind(symbol) === "stock" ? (time) => sessionDay("stock", time) : utcDay;
}

export default function ChartStudies(props: Props) {
  const { handles, attach, symbol, timeframe, scheme } = props;
  const legend = useRef<HTMLDivElement>(null);
  const [studies, setStudies] = useState<Studies | null>(null);
  const specs = useMemo(() => parseIndicators(props.indicators), [props.indicators]);
  const compared = useMemo(() => parseCompare(props.compare, symbol), [props.compare, symbol]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the timeframe and scheme in effect when the layer is made; later ones reach it through the effects below.
  useEffect(() => {
    const root = legend.current;
    if (!root) return;
    const layer = new Studies({
      handles,
      legend: new StudyLegend(handles.chart, root),
      symbol,
      timeframe,
      palette: studyPalette(scheme),
      sessionStart: vwapSession(symbol),
    });
    const detach = attach(layer);
    setStudies(layer);
    const resize = new ResizeObserver(() => layer.relayout());
    resize.observe(root);
    return () => {
      resize.disconnect();
      // The chart removes itself (and clears its layers) before this runs when it unmounts too.
      layer.dispose(!handles.layers.has(layer));
      detach();
      setStudies(null);
    };
  }, [handles, attach, symbol]);

  useEffect(() => studies?.setTimeframe(timeframe), [studies, timeframe]);
  useEffect(() => studies?.setPalette(studyPalette(scheme)), [studies, scheme]);

  useEffect(() => {
    if (!studies) return;
    const panes = studies.setIndicators(specs);
    // The frame grows with each pane of its own, so that the candles keep their height.
    const frame = legend.current?.parentElement;
    if (frame) frame.dataset.studyPanes = String(panes);
  }, [studies, specs]);

  useEffect(() => studies?.reorderCompared(compared), [studies, compared]);

  useEffect(() => {
    const frame = legend.current?.parentElement;
    return () => {
      if (frame) delete frame.dataset.studyPanes;
    };
  }, []);

  return (
    <div ref={legend} className="study-legends">
      {studies
        ? compared.map((s, i) => <CompareFeed key={s} symbol={s} index={i} studies={studies} />)
        : null}
    </div>
  );
}

/** One compared symbol's socket and store, for as long as it is compared. */
function CompareFeed({
  symbol,
  index,
  studies,
}: {
  symbol: string;
  index: number;
  studies: Studies;
}) {
  const store = useTickerRoom(symbol, "full");
  // biome-ignore lint/correctness/useExhaustiveDependencies: the position when it is added; moves go through reorderCompared.
  useEffect(() => {
    studies.compare(symbol, store, index);
    return () => studies.uncompare(symbol);
  }, [studies, symbol, store]);
  return null;
}
