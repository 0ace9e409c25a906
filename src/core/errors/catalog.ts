/**
 * The lookup over the AADSTS catalog (the data lives in ./aadsts, one JSON file per area, maintained separately).
 * The catalog is loaded on the first lookup, not at import time, so importing the core stays cheap.
 */

import type { AadstsEntry as CatalogDataEntry } from './aadsts/index';

/** One AADSTS code as the catalog describes it: the data's own type, with any category string accepted. */
export type AadstsEntry = Omit<CatalogDataEntry, 'category'> & { category: string };

/** The link Entra itself puts in `error_uri`: always valid, even for codes the catalog does not know. */
export function aadstsDocsUrl(code: number): string {
  return `https://login.microsoftonline.com/error?code=${code}`;
}

let override: readonly AadstsEntry[] | undefined;
let index: Map<number, AadstsEntry> | undefined;

function loadEntries(): readonly AadstsEntry[] {
  if (override) return override;
  try {
    // Lazy by design: the catalog is several hundred entries and most runs never need it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./aadsts/index') as { aadstsEntries?: unknown };
    return Array.isArray(mod.aadstsEntries) ? (mod.aadstsEntries as AadstsEntry[]) : [];
  } catch {
    return [];
  }
}

function getIndex(): Map<number, AadstsEntry> {
  if (!index) {
    index = new Map();
    for (const e of loadEntries()) {
      if (e && typeof e.code === 'number' && !index.has(e.code)) index.set(e.code, e);
    }
  }
  return index;
}

/** All catalog entries (loads the catalog on first call). */
export function aadstsCatalog(): AadstsEntry[] {
  return [...getIndex().values()];
}

export function lookupAadsts(code: number): AadstsEntry | undefined {
  if (!Number.isInteger(code)) return undefined;
  return getIndex().get(code);
}

/**
 * Replaces the catalog (tests, or a host that ships extra entries); `undefined` goes back to the bundled data.
 * Entries given here win over nothing else: the list is used as is.
 */
export function useAadstsCatalog(entries: readonly AadstsEntry[] | undefined): void {
  override = entries;
  index = undefined;
}
