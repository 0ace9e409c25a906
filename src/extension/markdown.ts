/**
 * The one Markdown helper of the extension. Hovers, tooltips and the Token Inspector's explanations all come from
 * catalog prose and token claims, untrusted text that marks commands with `backticks` and names web addresses bare.
 * `parseInline` splits such text into pieces (text, code, link); `inlineMarkdown` turns the pieces into Markdown in
 * which text is escaped, code is a code span that no backtick inside can end early, and a link covers exactly its
 * address; the Token Inspector renders the same pieces as DOM. No vscode import: tested in plain node.
 */
import type { Inline, RichText } from '../shared/protocol';

/** Longest text parsed (catalog entries are a few hundred characters; claims are capped before they get here). */
const MAX_PARSE = 20_000;

/** Escapes text for Markdown: nothing in it can become markup, a link, HTML or a new line. */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`).replace(/\r\n?|\n/g, ' ');
}

/** A web address ends at white space or a quote; trailing punctuation and an unmatched ")" belong to the sentence. */
const URL_AT = /https?:\/\/[^\s<>"'`]+/g;

function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const last = u.at(-1);
    if (last && '.,;:!?'.includes(last)) u = u.slice(0, -1);
    else if (last === ')' && (u.match(/\(/g)?.length ?? 0) < (u.match(/\)/g)?.length ?? 0)) u = u.slice(0, -1);
    else return u;
  }
}

function pushText(out: Inline[], text: string): void {
  if (!text) return;
  const prev = out.at(-1);
  if (prev?.kind === 'text') prev.text += text;
  else out.push({ kind: 'text', text });
}

function splitLinks(out: Inline[], text: string): void {
  let at = 0;
  URL_AT.lastIndex = 0;
  for (let m = URL_AT.exec(text); m; m = URL_AT.exec(text)) {
    const url = trimUrl(m[0]);
    pushText(out, text.slice(at, m.index));
    out.push({ kind: 'link', text: url });
    at = m.index + url.length;
    URL_AT.lastIndex = at;
  }
  pushText(out, text.slice(at));
}

/** Splits text into plain text, `code` spans and web addresses (an unclosed backtick stays text). */
export function parseInline(input: string): RichText {
  const text = input.length > MAX_PARSE ? `${input.slice(0, MAX_PARSE)}…` : input;
  const out: Inline[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('`', at);
    const close = open < 0 ? -1 : text.indexOf('`', open + 1);
    if (open < 0 || close < 0) {
      splitLinks(out, text.slice(at));
      break;
    }
    splitLinks(out, text.slice(at, open));
    if (close > open + 1) out.push({ kind: 'code', text: text.slice(open + 1, close) });
    at = close + 1;
  }
  return out;
}

/** The text a reader sees, without markup (tree descriptions, accessible names). */
export function plainText(pieces: RichText): string {
  return pieces.map((p) => p.text).join('');
}

/** A code span that shows `text` exactly: its fence is longer than any backtick run inside. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r\n?|\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Markdown for catalog prose: escaped text, commands as code spans, each address a link to exactly itself. */
export function inlineMarkdown(text: string): string {
  return parseInline(text)
    .map((p) => {
      if (p.kind === 'code') return codeSpan(p.text);
      if (p.kind === 'link')
        return p.text.startsWith('https://')
          ? `[${mdEscape(p.text)}](<${p.text.replace(/[<>\s]/g, encodeURIComponent)}>)`
          : mdEscape(p.text);
      return mdEscape(p.text);
    })
    .join('');
}

/** A Markdown bullet list, one item per entry (each rendered with inlineMarkdown). */
export function markdownList(items: readonly string[]): string {
  return items.map((i) => `- ${inlineMarkdown(i)}\n`).join('');
}

/** An AADSTS explanation (hover, tooltip): name, meaning, causes and fixes as real lists, the Entra lookup link. */
export function aadstsMarkdown(c: {
  code: number;
  name?: string;
  meaning?: string;
  causes?: readonly string[];
  fixes?: readonly string[];
}): string {
  let md = `**AADSTS${c.code}**${c.name ? ` ${mdEscape(c.name)}` : ''}\n\n`;
  if (c.meaning) md += `${inlineMarkdown(c.meaning)}\n\n`;
  if (c.causes?.length) md += `**Likely causes**\n\n${markdownList(c.causes)}\n`;
  if (c.fixes?.length) md += `**What to do**\n\n${markdownList(c.fixes)}\n`;
  // Rebuilt from the number: a catalog entry cannot put another address here.
  md += `[Microsoft documentation for AADSTS${c.code}](https://login.microsoftonline.com/error?code=${c.code})`;
  return md;
}
