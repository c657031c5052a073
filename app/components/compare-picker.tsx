import { type FormEvent, type KeyboardEvent, useId, useMemo, useRef, useState } from "react";
import { canonicalSymbol } from "../../party/protocol/names.ts";
import {
  canonicalCompare,
  formatCompare,
  MAX_COMPARED,
  parseCompare,
} from "../lib/studies/compare-spec.ts";
import { useDirectory } from "../lib/symbol-directory.ts";
import { searchSymbols } from "../lib/symbol-search.ts";
import { StudyPanel } from "./study-panel.tsx";
import "./studies.css";

type Props = {
  id: string;
  close: (refocus: boolean) => void;
  /** The chart's own symbol, which is always there. */
  symbol: string;
  /** The URL's `cmp` value. */
  value: string;
  onChange: (value: string) => void;
};

/**
 * Chooses the symbols compared with the chart's own, with the same suggestions as the symbol
 * search (an ARIA combobox: arrows move, Enter adds, Escape closes the list, then the panel).
 */
export default function ComparePicker({ id, close, symbol, value, onChange }: Props) {
  const symbols = useMemo(() => parseCompare(value, symbol), [value, symbol]);
  const full = symbols.length >= MAX_COMPARED;
  const directory = useDirectory(true);
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [message, setMessage] = useState<string | null>(null);
  const listId = useId();
  const messageId = useId();
  const suggestions = useMemo(
    () =>
      directory
        ? searchSymbols(directory.list, text, 12)
            .filter((s) => s.symbol !== symbol && !symbols.includes(s.symbol))
            .slice(0, 8)
        : [],
    [directory, text, symbol, symbols],
  );
  const expanded = open && suggestions.length > 0;
  const optionId = (i: number) => `${listId}-option-${i}`;

  const add = (chosen: string) => {
    onChange(formatCompare(canonicalCompare([...symbols, chosen], symbol)));
    setText("");
    setActive(-1);
    setOpen(false);
    setMessage(null);
  };

  const remove = (gone: string) => {
    onChange(formatCompare(symbols.filter((s) => s !== gone)));
    requestAnimationFrame(() => input.current?.focus());
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = expanded && active >= 0 ? suggestions[active]?.symbol : undefined;
    if (chosen) {
      add(chosen);
      return;
    }
    const typed = canonicalSymbol(text);
    if (typed === null) {
      setMessage(
        text.trim() === ""
          ? "Type a symbol such as MSFT, or part of a company name."
          : "Not a symbol: use 1 to 15 letters, digits, dots or dashes.",
      );
    } else if (typed === symbol) {
      setMessage(`${symbol} is this chart's own symbol.`);
    } else if (symbols.includes(typed)) {
      setMessage(`${typed} is compared already.`);
    } else {
      add(typed);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const count = suggestions.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setOpen(true);
      if (count === 0) return;
      const down = event.key === "ArrowDown";
      setActive((i) => (down ? (i + 1 >= count ? 0 : i + 1) : i <= 0 ? count - 1 : i - 1));
    } else if (event.key === "Escape" && (expanded || text !== "")) {
      // The list closes, then the text clears; only then does Escape close the panel.
      event.preventDefault();
      event.stopPropagation();
      if (expanded) setOpen(false);
      else setText("");
      setActive(-1);
    }
  };

  return (
    <StudyPanel id={id} label="Compare" close={close}>
      <h2 className="study-panel-title">Compare with</h2>
      {symbols.length === 0 ? (
        <p className="study-empty">
          Other symbols show as percent change from the start of the visible range, and so does{" "}
          {symbol}.
        </p>
      ) : (
        <ul className="study-list" aria-label="Compared">
          {symbols.map((s, i) => (
            <li key={s} className="study-item">
              <span
                className="study-swatch"
                style={{ background: `var(--compare-${(i % 4) + 1})` }}
              />
              <span className="study-item-name">{s}</span>
              <button
                type="button"
                className="button button-quiet"
                aria-label={`Remove ${s}`}
                onClick={() => remove(s)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="study-compare-form" onSubmit={submit} noValidate>
        <div className="study-combobox">
          <input
            ref={input}
            type="text"
            role="combobox"
            aria-label="Symbol to compare"
            aria-autocomplete="list"
            aria-expanded={expanded}
            aria-controls={listId}
            aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
            aria-invalid={message ? true : undefined}
            aria-describedby={message ? messageId : undefined}
            className="study-compare-input"
            placeholder={full ? `At most ${MAX_COMPARED} symbols` : "Symbol or company"}
            disabled={full}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setOpen(true);
              setActive(-1);
              setMessage(null);
            }}
            onKeyDown={onKeyDown}
            onFocus={() => setOpen(true)}
          />
          <div
            id={listId}
            role="listbox"
            aria-label="Suggestions"
            className="study-suggestions"
            hidden={!expanded}
          >
            {suggestions.map((s, i) => (
              <div
                key={s.symbol}
                id={optionId(i)}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                className="study-suggestion"
                // Mouse down, not click: the input keeps focus until the choice is made.
                onMouseDown={(event) => {
                  event.preventDefault();
                  add(s.symbol);
                }}
                onMouseMove={() => setActive(i)}
              >
                <span className="study-suggestion-symbol">{s.symbol}</span>
                <span className="study-suggestion-name">{s.name}</span>
              </div>
            ))}
          </div>
        </div>
        <button type="submit" className="button button-quiet" disabled={full}>
          Add
        </button>
      </form>
      {message ? (
        <p id={messageId} className="study-note" role="alert">
          {message}
        </p>
      ) : null}
    </StudyPanel>
  );
}
