/** Lookup over the resource error catalog (./catalog/*.json). */
import { resourceErrorEntries, type ResourceErrorEntry } from './catalog/index';
import type { ResourceService } from './services';

export type { ResourceErrorEntry, ResourceErrorClass } from './catalog/index';

export function resourceErrorCatalog(): readonly ResourceErrorEntry[] {
  return resourceErrorEntries;
}

/**
 * The catalog entry for a code: code + innerCode + message text, then code + innerCode, then code + message text,
 * then the code alone. Codes compare case-sensitively (Graph has both accessDenied and ErrorAccessDenied).
 */
export function lookupResourceError(
  service: ResourceService,
  code: string | undefined,
  innerCode?: string,
  text?: string,
): ResourceErrorEntry | undefined {
  if (!code || service === 'unknown') return undefined;
  const hay = (text ?? '').toLowerCase();
  const candidates = resourceErrorEntries.filter((e) => e.service === service && e.code === code);
  const textOk = (e: ResourceErrorEntry) =>
    e.messageContains !== undefined && hay.includes(e.messageContains.toLowerCase());
  return (
    candidates.find((e) => innerCode && e.innerCode === innerCode && textOk(e)) ??
    candidates.find((e) => innerCode && e.innerCode === innerCode && e.messageContains === undefined) ??
    candidates.find((e) => e.innerCode === undefined && textOk(e)) ??
    candidates.find((e) => e.innerCode === undefined && e.messageContains === undefined)
  );
}
