type Option<T extends string> = { id: T; label: string };

type Props<T extends string> = {
  /** What the group chooses, for screen readers. */
  legend: string;
  options: readonly Option<T>[];
  /** The pressed option; null presses none. */
  value: T | null;
  onChange: (id: T) => void;
};

/** A row of toggle buttons of which at most one is pressed: the chart's range and timeframe. */
export function SegmentedBar<T extends string>({ legend, options, value, onChange }: Props<T>) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{legend}</legend>
      {options.map((option) => (
        <button
          key={option.id}
          type="button"
          className="segmented-button"
          aria-pressed={option.id === value}
          onClick={() => onChange(option.id)}
        >
          {option.label}
        </button>
      ))}
    </fieldset>
  );
}
