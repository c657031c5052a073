import { TIMEFRAMES, type TimeframeId } from "../lib/timeframes.ts";

type Props = { value: TimeframeId; onChange: (id: TimeframeId) => void };

export function TimeframeBar({ value, onChange }: Props) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Timeframe</legend>
      {TIMEFRAMES.map((tf) => (
        <button
          key={tf.id}
          type="button"
          className="segmented-button"
          aria-pressed={tf.id === value}
          onClick={() => onChange(tf.id)}
        >
          {tf.label}
        </button>
      ))}
    </fieldset>
  );
}
