/** Finds a token in free text (a hover's word, a selection, the clipboard). */

const JWT_RE = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/;
const JWE_RE = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

/** The first JWT (or JWE) in a text, if any. */
export function findJwt(text: string): string | undefined {
  return (JWE_RE.exec(text) ?? JWT_RE.exec(text))?.[0];
}
