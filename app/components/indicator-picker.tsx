import { useEffect, useRef, useState } from "react";
import {
  formatIndicators,
  type IndicatorSpec,
  MAX_INDICATORS,
  MAX_PERIOD,
  MIN_PERIOD,
  parseIndicators,
} from "../lib/indicators/indicator-spec.ts";
import { choiceOf, INDICATOR_CHOICES, nextIndicator } from "../lib/studies/indicator-choices.ts";
import { indicatorPlot } from "../lib/studies/indicator-plot.ts";
import { StudyPanel } from "./study-panel.tsx";
import "./studies.css";

type Props = {
  id: string;
  close: (refocus: boolean) => void;
  /** The URL's `ind` value. */
  value: string;
  onChange: (value: string) => void;
};

/** Adds and removes indicators and sets their periods; what it holds is the URL's `ind`. */
export default function IndicatorPicker({ id, close, value, onChange }: Props) {
  const specs = parseIndicators(value);
  const addGroup = useRef<HTMLFieldSetElement>(null);
  const set = (next: IndicatorSpec[]) => onChange(formatIndicators(next));

  const remove = (at: number) => {
    set(specs.filter((_, i) => i !== at));
    // The focused button goes with its row: focus stays in the panel, on the first way to add.
    requestAnimationFrame(() =>
      addGroup.current?.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus(),
    );
  };

  return (
    <StudyPanel id={id} label="Indicators" close={close}>
      <h2 className="study-panel-title">Indicators</h2>
      {specs.length === 0 ? (
        <p className="study-empty">None on the chart yet.</p>
      ) : (
        <ul className="study-list" aria-label="On the chart">
          {specs.map((spec, i) => {
            const { short } = choiceOf(spec.kind);
            const name = indicatorPlot(spec).name;
            return (
              // By position: a period being typed keeps its input while the list re-sorts.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above.
              <li key={i} className="study-item">
                <span
                  className="study-swatch"
                  style={{ background: `var(--study-${(i % 8) + 1})` }}
                />
                <span className="study-item-name">{"period" in spec ? short : name}</span>
                {"period" in spec ? (
                  <PeriodInput
                    label={`${short} period`}
                    value={spec.period}
                    onCommit={(period) =>
                      set(specs.map((s, j) => (j === i ? { kind: spec.kind, period } : s)))
                    }
                  />
                ) : null}
                <button
                  type="button"
                  className="button button-quiet"
                  aria-label={`Remove ${name}`}
                  onClick={() => remove(i)}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <fieldset ref={addGroup} className="study-add">
        <legend>Add to the chart</legend>
        {INDICATOR_CHOICES.map((choice) => {
          const next = nextIndicator(choice.kind, specs);
          return (
            <button
              key={choice.kind}
              type="button"
              className="study-add-button"
              disabled={next === null}
              onClick={() => {
                if (next) set([...specs, next]);
              }}
            >
              <span className="study-add-short">{choice.short}</span>{" "}
              <span className="study-add-name">{choice.name}</span>
            </button>
          );
        })}
      </fieldset>
      {specs.length >= MAX_INDICATORS ? (
        <p className="study-note">
          At most {MAX_INDICATORS} indicators: remove one to add another.
        </p>
      ) : null}
    </StudyPanel>
  );
}

type PeriodProps = { label: string; value: number; onCommit: (period: number) => void };

/** A period, applied on Enter or when focus leaves; anything out of range goes back. */
function PeriodInput({ label, value, onCommit }: PeriodProps) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]);
  const commit = () => {
    const period = Number(draft);
    if (Number.isInteger(period) && period >= MIN_PERIOD && period <= MAX_PERIOD) {
      if (period !== value) onCommit(period);
    } else {
      setDraft(String(value));
    }
  };
  return (
    <input
      type="number"
      className="study-period"
      aria-label={label}
      min={MIN_PERIOD}
      max={MAX_PERIOD}
      step={1}
      inputMode="numeric"
      value={draft}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key !== "Enter") return;
        event.preventDefault();
        commit();
      }}
    />
  );
}
