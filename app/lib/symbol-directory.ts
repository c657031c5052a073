/**
 * The symbol directory (names, sectors) is a separate chunk, loaded the first time something
 * asks for it, so that the chart page's first load does not carry 500 company names.
 */
import { useEffect, useState } from "react";
import type { SymbolInfo } from "./symbol-search.ts";

export type SymbolDirectory = {
  list: readonly SymbolInfo[];
  bySymbol: ReadonlyMap<string, SymbolInfo>;
};

let loaded: SymbolDirectory | null = null;
let loading: Promise<SymbolDirectory> | null = null;

export function loadDirectory(): Promise<SymbolDirectory> {
  loading ??= import("../data/symbols.ts").then(({ SECTORS, SYMBOL_ROWS }) => {
    const list = SYMBOL_ROWS.map(([symbol, name, sector]) => ({
      symbol,
      name,
      sector: SECTORS[sector] ?? "",
    }));
    loaded = { list, bySymbol: new Map(list.map((info) => [info.symbol, info])) };
    return loaded;
  });
  return loading;
}

/** The directory once loaded (null until then); starts loading when `wanted`. */
export function useDirectory(wanted = true): SymbolDirectory | null {
  const [directory, setDirectory] = useState(loaded);
  useEffect(() => {
    if (!wanted || directory) return;
    let live = true;
    loadDirectory().then(
      (d) => {
        if (live) setDirectory(d);
      },
      // Without the directory, search still opens symbols as typed; names stay blank.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [wanted, directory]);
  return directory;
}

/** The company or coin name for a symbol, when the directory knows it; loads it when `wanted`. */
export function useSymbolInfo(symbol: string, wanted = true): SymbolInfo | null {
  return useDirectory(wanted)?.bySymbol.get(symbol) ?? null;
}
