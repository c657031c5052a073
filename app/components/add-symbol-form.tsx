import { type FormEvent, useId, useMemo, useState } from "react";
import { canonicalSymbol } from "../../party/protocol/index.ts";
import { useDirectory } from "../lib/symbol-directory.ts";
import { searchSymbols } from "../lib/symbol-search.ts";

type Props = {
  symbols: readonly string[];
  autoFocus: boolean;
  onAdd(symbol: string): void;
  /** Typing here is acting on the list (it ends following someone). */
  onKey(): void;
};

/**
 * Adds a symbol as typed, in any case: the field says at once what it will add or why it
 * cannot, and suggests symbols from the directory (a native datalist: no custom popup to get
 * wrong).
 */
export function AddSymbolForm({ symbols, autoFocus, onAdd, onKey }: Props) {
  const [text, setText] = useState("");
  const [tried, setTried] = useState(false);
  const directory = useDirectory();
  const suggestions = useMemo(
    () => (directory ? searchSymbols(directory.list, text, 6) : []),
    [directory, text],
  );
  const listId = useId();
  const hintId = useId();

  const typed = text.trim();
  const symbol = canonicalSymbol(typed);
  const problem =
    typed === ""
      ? tried
        ? "Type a symbol such as AAPL or BTC-USD."
        : null
      : symbol === null
        ? `“${typed.length > 16 ? `${typed.slice(0, 16)}…` : typed}” is not a symbol: use 1 to 15 letters, digits, dots or dashes.`
        : symbols.includes(symbol)
          ? `${symbol} is already in this list.`
          : null;
  const name = symbol ? directory?.bySymbol.get(symbol)?.name : undefined;
  const hint =
    problem ??
    (symbol ? `Enter adds ${symbol}${name ? ` · ${name}` : ""}` : "Ticker or company name");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (symbol === null || problem !== null) return;
    onAdd(symbol);
    setText("");
    setTried(false);
  };

  return (
    <form className="add-symbol" onSubmit={submit} noValidate>
      <div className="add-symbol-field">
        <input
          className="add-symbol-input"
          aria-label="Add symbol"
          aria-invalid={problem ? true : undefined}
          aria-describedby={hintId}
          list={listId}
          placeholder="Add symbol"
          value={text}
          autoComplete="off"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          enterKeyHint="done"
          // biome-ignore lint/a11y/noAutofocus: an empty list has nothing else to do but this
          autoFocus={autoFocus}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKey}
        />
        <button type="submit" className="button">
          Add
        </button>
      </div>
      <datalist id={listId}>
        {suggestions.map((s) => (
          <option key={s.symbol} value={s.symbol}>
            {s.name}
          </option>
        ))}
      </datalist>
      <p id={hintId} className={problem ? "add-symbol-hint add-symbol-problem" : "add-symbol-hint"}>
        {hint}
      </p>
    </form>
  );
}
