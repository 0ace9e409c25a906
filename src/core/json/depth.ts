/**
 * Outside JSON (token claims, server bodies) can nest as deep as its author likes. JSON.parse copes (it is iterative),
 * but everything after it — JSON.stringify, recursive renderers — either overflows the stack or, with indentation,
 * prints output quadratic in the depth. limitJsonDepth copies a parsed value without recursion and replaces whatever
 * lies deeper than `maxDepth` by a short marker string, so the rest of the engine only ever sees shallow values.
 */

/** What stands in for a value nested too deep. */
export function depthMarker(maxDepth: number): string {
  return `[nested deeper than ${maxDepth} levels: not shown]`;
}

/** Deeper than any real claim or endpoint answer (Entra's deepest, _claim_sources, is three levels). */
export const MAX_JSON_DEPTH = 32;

export interface DepthLimited<T> {
  value: T;
  /** True when something was replaced by the marker. */
  truncated: boolean;
}

/** Copies `value` (a JSON.parse result), replacing arrays and objects below `maxDepth` levels by a marker string. */
export function limitJsonDepth<T>(value: T, maxDepth: number = MAX_JSON_DEPTH): DepthLimited<T> {
  if (typeof value !== 'object' || value === null) return { value, truncated: false };
  const marker = depthMarker(maxDepth);
  let truncated = false;
  const copyOf = (v: object): Record<string, unknown> | unknown[] =>
    Array.isArray(v) ? new Array<unknown>(v.length) : {};
  const root = copyOf(value);
  // Each entry: a source container, its copy, and the depth of its children.
  const stack: { src: object; dst: Record<string, unknown> | unknown[]; depth: number }[] = [
    { src: value, dst: root, depth: 1 },
  ];
  while (stack.length) {
    const { src, dst, depth } = stack.pop()!;
    for (const [k, child] of Object.entries(src)) {
      let out: unknown = child;
      if (typeof child === 'object' && child !== null) {
        if (depth >= maxDepth) {
          out = marker;
          truncated = true;
        } else {
          const c = copyOf(child);
          stack.push({ src: child, dst: c, depth: depth + 1 });
          out = c;
        }
      }
      if (Array.isArray(dst)) dst[Number(k)] = out;
      // defineProperty: a "__proto__" claim stays a plain own property instead of changing the copy's prototype.
      else Object.defineProperty(dst, k, { value: out, enumerable: true, writable: true, configurable: true });
    }
  }
  return { value: root as T, truncated };
}
