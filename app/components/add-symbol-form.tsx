import { type ClipboardEvent, type FormEvent, useId, useMemo, useState } from "react";
import { canonicalSymbol, clip } from "../../party/protocol/index.ts";
import {
  batchProblem,
  invalidText,
  readSymbols,
  type SymbolBatch,
  splitSymbols,
} from "../lib/symbol-batch.ts";
import { useDirectory } from "../lib/symbol-directory.ts";
import { searchSymbols } from "../lib/symbol-search.ts";

type Props = {
  symbols: readonly string[];
  autoFocus: boolean;
  /** One symbol, or several pasted at once: they go to the list as one edit. */
  onAdd(symbols: string[]): void;
  /** Typing here is acting on the list (it ends following someone). */
  onKey(): void;
};

/**
 * Adds a symbol as typed, in any case, or several pasted at once (`AAPL, MSFT nvda`): the field
 * says at once what it will add or why it cannot, and suggests symbols from the directory (a
 * native datalist: no custom popup to get wrong).
 */
export function AddSymbolForm({ symbols, autoFocus, onAdd, onKey }: Props) {
  const [text, setText] = useState("");
  const [tried, setTried] = useState(false);
  const parts = splitSymbols(text);
  const several = parts.length > 1;
  const directory = useDirectory();
  // Words without commas may be a company's name being looked up: suggestions stay, and the
  // hint says plainly what Enter would add instead.
  const listed = /[,;]/.test(text);
  const suggestions = useMemo(
    () => (directory && !listed ? searchSymbols(directory.list, text, 6) : []),
    [directory, text, listed],
  );
  const listId = useId();
  const hintId = useId();

  const batch = readSymbols(text, symbols);
  // One symbol, whatever separators were typed around it ("aapl," is AAPL).
  const typed = parts[0] ?? "";
  const symbol = several ? null : canonicalSymbol(typed);
  const problem = several
    ? batchProblem(batch, symbols)
    : typed === ""
      ? tried
        ? "Type a symbol such as AAPL or BTC-USD."
        : null
      : symbol === null
        ? invalidText([typed])
        : symbols.includes(symbol)
          ? `${symbol} is already in this list.`
          : null;
  const name = symbol ? directory?.bySymbol.get(symbol)?.name : undefined;
  const hint =
    problem ??
    (several
      ? batchHint(batch)
      : symbol
        ? `Enter adds ${symbol}${name ? ` · ${name}` : ""}`
        : "Ticker or company name, or several at once");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (problem !== null || batch.add.length === 0) return;
    onAdd(batch.add);
    // What could not be added stays in the field, with the reason under it.
    setText(batch.invalid.join(" "));
    setTried(batch.invalid.length > 0);
  };

  // A text field drops the line breaks of a pasted column of symbols, gluing them together:
  // they become spaces instead.
  const paste = (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData("text/plain");
    if (!/[\r\n]/.test(pasted)) return;
    event.preventDefault();
    const input = event.currentTarget;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    const inserted = pasted.trim().replace(/\s*[\r\n]+\s*/g, " ");
    const next = `${input.value.slice(0, start)}${inserted}${input.value.slice(end)}`;
    setText(next);
    requestAnimationFrame(() => {
      const caret = start + inserted.length;
      input.setSelectionRange(caret, caret);
    });
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
          onPaste={paste}
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

/** What Enter will do with a batch, and what of it it will leave out. */
function batchHint(batch: SymbolBatch): string {
  const adds = `Enter adds ${batch.add.join(", ")}`;
  const skipped = [
    ...batch.invalid.map((part) => `“${clip(part)}” (not a symbol)`),
    ...batch.already.map((symbol) => `${symbol} (already here)`),
  ];
  if (skipped.length === 0) return adds;
  const shown =
    skipped.length > 4 ? [...skipped.slice(0, 3), `${skipped.length - 3} more`] : skipped;
  return `${adds} · skips ${shown.join(", ")}`;
}
