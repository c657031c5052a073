/**
 * Trades for a replay, from CSV: `symbol,time,price,size`, one trade a line. The header is
 * optional (when present it may order the columns differently and add others); time is epoch
 * milliseconds or RFC 3339 / ISO 8601 with a zone. The whole file is checked before anything is
 * used, and every bad line is reported with its number, so a replay never pushes half a file.
 */
import { canonicalSymbol } from "../protocol/index.ts";
import { positive, rfc3339 } from "./providers/decode.ts";

export type CsvTrade = { line: number; symbol: string; time: number; price: number; size: number };
export type CsvProblem = { line: number; message: string };
export type CsvTrades = { ok: true; trades: CsvTrade[] } | { ok: false; problems: CsvProblem[] };

const COLUMNS = ["symbol", "time", "price", "size"] as const;
type Column = (typeof COLUMNS)[number];
/** Before this, a number is more likely epoch seconds than milliseconds (2001-09-09). */
const MIN_MS = 1_000_000_000_000;

/** Parses and checks a whole file. Trades keep file order. */
export function parseTradesCsv(text: string): CsvTrades {
  const lines = text.split(/\r?\n/);
  const trades: CsvTrade[] = [];
  const problems: CsvProblem[] = [];
  let order: Record<Column, number> = { symbol: 0, time: 1, price: 2, size: 3 };
  let width: number = COLUMNS.length;
  let first = true;
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = (lines[i] as string).replace(/^\uFEFF/, "").trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const fields = splitCsvLine(raw);
    if (fields === null) {
      problems.push({ line, message: "a quoted field is not closed" });
      continue;
    }
    if (first) {
      first = false;
      if (fields[0]?.trim().toLowerCase() === "symbol" || fields.some(isColumnName)) {
        const header = readHeader(fields);
        if (typeof header === "string") {
          problems.push({ line, message: header });
          return { ok: false, problems };
        }
        order = header;
        width = fields.length;
        continue;
      }
    }
    if (fields.length !== width) {
      problems.push({
        line,
        message: `expected ${width} fields (${width === 4 ? "symbol,time,price,size" : "as in the header"}), found ${fields.length}`,
      });
      continue;
    }
    const trade = readTrade(fields, order, line);
    if (typeof trade === "string") problems.push({ line, message: trade });
    else trades.push(trade);
  }
  if (problems.length > 0) return { ok: false, problems };
  if (trades.length === 0)
    return { ok: false, problems: [{ line: 0, message: "the file holds no trades" }] };
  return { ok: true, trades };
}

function isColumnName(field: string): boolean {
  return (COLUMNS as readonly string[]).includes(field.trim().toLowerCase());
}

function readHeader(fields: string[]): Record<Column, number> | string {
  const names = fields.map((f) => f.trim().toLowerCase());
  const order = {} as Record<Column, number>;
  for (const column of COLUMNS) {
    const at = names.indexOf(column);
    if (at < 0) return `the header has no "${column}" column; it needs symbol,time,price,size`;
    order[column] = at;
  }
  return order;
}

function readTrade(
  fields: string[],
  order: Record<Column, number>,
  line: number,
): CsvTrade | string {
  const rawSymbol = (fields[order.symbol] as string).trim();
  const symbol = canonicalSymbol(rawSymbol);
  if (symbol === null) return `"${clip(rawSymbol)}" is not a symbol`;
  const time = readTime((fields[order.time] as string).trim());
  if (typeof time === "string") return time;
  const rawPrice = (fields[order.price] as string).trim();
  const price = positive(rawPrice);
  if (price === null) return `price "${clip(rawPrice)}" is not a positive number`;
  const rawSize = (fields[order.size] as string).trim();
  const size = positive(rawSize);
  if (size === null) return `size "${clip(rawSize)}" is not a positive number`;
  return { line, symbol, time, price, size };
}

function readTime(raw: string): number | string {
  if (/^\d+$/.test(raw)) {
    const ms = Number(raw);
    if (!Number.isSafeInteger(ms)) return `time "${clip(raw)}" is too large`;
    if (ms < MIN_MS) return `time ${raw} looks like epoch seconds; times are epoch milliseconds`;
    return ms;
  }
  // RFC 3339 needs seconds; ISO 8601 lets them go (`2025-03-14T14:30Z`).
  const ms = rfc3339(raw) ?? rfc3339(raw.replace(/^(.{10}[T ]\d{2}:\d{2})(?=[Zz+-])/, "$1:00"));
  if (ms !== null) return ms;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(raw)) {
    return `time "${raw}" has no zone: add Z (UTC) or an offset such as +01:00`;
  }
  return `time "${clip(raw)}" is neither epoch milliseconds nor an ISO 8601 time`;
}

/** Splits one line on commas; double quotes may wrap a field (`""` is a quote). Null if unclosed. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (c === ",") {
      fields.push(field);
      field = "";
    } else {
      field += c;
    }
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}

function clip(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}
