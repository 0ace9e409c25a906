/**
 * Python's repr() of a value json.loads returned (str, int, float, bool, None, list, dict), which Python
 * azure-identity prints inside some messages ('Unexpected response "{…}"', "[Errno 2] …: '/path'"). Iterative, so a
 * deeply nested body cannot exhaust the stack; the output is capped.
 */

const MAX = 8192;

/** repr(str): single quotes unless the text holds ' and no ", escapes as CPython's unicode_repr does. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    // Non-printable code points beyond ASCII (C1 controls, separators) are escaped too; other text prints as is.
    else if ((c >= 0x80 && c < 0xa0) || c === 0xad || c === 0x2028 || c === 0x2029)
      out += c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + quote;
}

function scalarRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return pyStrRepr(v);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e16) return String(v);
    // float repr: shortest round-trip digits, like JS, with Python's exponent spelling.
    const s = String(v);
    return /e/.test(s) ? s.replace(/e([+-])(\d)$/, 'e$10$2') : s.includes('.') ? s : `${s}.0`;
  }
  return pyStrRepr(String(v));
}

/** repr() of a JSON value: dicts in insertion order as {'k': v, …}, lists as [a, b]. */
export function pyRepr(value: unknown): string {
  // Work stack of pending output: either text to emit or a value to expand.
  const stack: ({ text: string } | { value: unknown })[] = [{ value }];
  let out = '';
  while (stack.length && out.length < MAX) {
    const item = stack.pop()!;
    if ('text' in item) {
      out += item.text;
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      const parts: ({ text: string } | { value: unknown })[] = [{ text: '[' }];
      v.forEach((x, i) => parts.push(...(i ? [{ text: ', ' }] : []), { value: x }));
      parts.push({ text: ']' });
      stack.push(...parts.reverse());
    } else if (v && typeof v === 'object') {
      const parts: ({ text: string } | { value: unknown })[] = [{ text: '{' }];
      Object.entries(v).forEach(([k, x], i) => parts.push({ text: `${i ? ', ' : ''}${pyStrRepr(k)}: ` }, { value: x }));
      parts.push({ text: '}' });
      stack.push(...parts.reverse());
    } else out += scalarRepr(v);
  }
  return out.slice(0, MAX);
}
