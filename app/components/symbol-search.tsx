import {
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import { useLocation } from "wouter";
import { canonicalSymbol } from "../../party/protocol/index.ts";
import { useDirectory } from "../lib/symbol-directory.ts";
import { searchSymbols } from "../lib/symbol-search.ts";

type Props = {
  /** The header variant: smaller, and its hints stay out of the way. */
  compact?: boolean;
};

/**
 * Symbol search as an ARIA combobox: typing suggests symbols and names, arrows move through
 * the suggestions, Enter opens the highlighted one or the symbol as typed, Escape closes the
 * list and then clears the box. "/" anywhere on the page jumps here.
 */
export function SymbolSearch({ compact = false }: Props) {
  const [, navigate] = useLocation();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [message, setMessage] = useState<string | null>(null);
  const [wanted, setWanted] = useState(false);
  const directory = useDirectory(wanted);
  const suggestions = useMemo(
    () => (directory ? searchSymbols(directory.list, text) : []),
    [directory, text],
  );
  const listId = useId();
  const messageId = useId();
  const hintId = useId();
  const expanded = open && suggestions.length > 0;
  const optionId = (i: number) => `${listId}-option-${i}`;

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable='true']")) return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const go = (symbol: string) => {
    setText("");
    setOpen(false);
    setActive(-1);
    setMessage(null);
    input.current?.blur();
    navigate(`/s/${symbol}`);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = expanded && active >= 0 ? suggestions[active] : undefined;
    if (chosen) {
      go(chosen.symbol);
      return;
    }
    const typed = text.trim();
    const symbol = canonicalSymbol(typed);
    if (symbol === null) {
      setMessage(
        typed === ""
          ? "Type a symbol such as AAPL, or part of a company name."
          : `“${typed.length > 24 ? `${typed.slice(0, 24)}…` : typed}” is not a symbol: use 1 to 15 letters, digits, dots or dashes, e.g. AAPL, BRK.B or BTC-USD.`,
      );
      return;
    }
    go(symbol);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const count = suggestions.length;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        setOpen(true);
        if (count > 0) setActive((i) => (i + 1 >= count ? 0 : i + 1));
        break;
      case "ArrowUp":
        event.preventDefault();
        setOpen(true);
        if (count > 0) setActive((i) => (i <= 0 ? count - 1 : i - 1));
        break;
      case "Escape":
        if (expanded) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (text !== "") {
          event.preventDefault();
          setText("");
          setMessage(null);
        } else {
          input.current?.blur();
        }
        break;
    }
  };

  return (
    <search className={compact ? "search search-compact" : "search"}>
      <form onSubmit={submit} noValidate>
        <div className="search-field">
          <svg className="search-icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="11" cy="11" r="6.5" />
            <path d="M16 16l4.5 4.5" />
          </svg>
          <input
            ref={input}
            type="text"
            role="combobox"
            aria-label="Search symbol"
            aria-autocomplete="list"
            aria-expanded={expanded}
            aria-controls={listId}
            aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
            aria-invalid={message ? true : undefined}
            aria-describedby={message ? messageId : hintId}
            className="search-input"
            placeholder={compact ? "Search symbol" : "Symbol or company name"}
            autoComplete="off"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            enterKeyHint="go"
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setOpen(true);
              setActive(-1);
              setMessage(null);
            }}
            onKeyDown={onKeyDown}
            onFocus={() => {
              setWanted(true);
              setOpen(true);
            }}
            onBlur={() => setOpen(false)}
          />
          <span className="search-key" aria-hidden="true">
            /
          </span>
          <div
            id={listId}
            role="listbox"
            aria-label="Suggestions"
            className="search-list"
            hidden={!expanded}
          >
            {suggestions.map((s, i) => (
              <div
                key={s.symbol}
                id={optionId(i)}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                className="search-option"
                // Mouse down, not click: the input must keep focus until the choice is made.
                onMouseDown={(event) => {
                  event.preventDefault();
                  go(s.symbol);
                }}
                onMouseMove={() => setActive(i)}
              >
                <span className="search-option-symbol">{s.symbol}</span>
                <span className="search-option-name">{s.name}</span>
                <span className="search-option-sector">{s.sector}</span>
              </div>
            ))}
          </div>
        </div>
        {message ? (
          <p id={messageId} className="search-message" role="alert">
            {message}
          </p>
        ) : (
          <p id={hintId} className={compact ? "visually-hidden" : "search-hint"}>
            For example AAPL, Nvidia or BTC-USD. Enter opens the symbol as typed; ↑ ↓ pick a
            suggestion.
          </p>
        )}
      </form>
    </search>
  );
}
