/**
 * Text that comes from PagerDuty is untrusted: it must not mention @channel/@all/@here (or anyone), and it
 * must not turn into links, images or formatting. These helpers make it inert but readable.
 */

const ZERO_WIDTH_SPACE = '\u200b';
// CommonMark lets any ASCII punctuation be escaped; these are the ones that start markup, links, images,
// autolinks (`:` breaks `http://`), tables and emphasis.
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+!|<>~:$=-]/g;

/** Neutralises mentions by putting a zero-width space after every `@`. */
export function defuseMentions(text: string): string {
  return text.replace(/@/g, `@${ZERO_WIDTH_SPACE}`);
}

/** Untrusted text for one line of Markdown: control characters and line breaks become spaces. */
export function inlineText(text: string, maxRunes = 300): string {
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return defuseMentions(truncateRunes(flat, maxRunes).replace(MARKDOWN_SPECIAL, (c) => `\\${c}`));
}

/** Untrusted text of several lines (a note), each line escaped, shown as a quote. */
export function quotedText(text: string, maxRunes = 4000): string {
  return truncateRunes(text.replace(/\r\n?/g, '\n'), maxRunes)
    .split('\n')
    .map((line) => `> ${inlineText(line, maxRunes)}`)
    .join('\n');
}

/** Untrusted text where Markdown is not rendered (a channel display name). */
export function plainText(text: string, maxRunes: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/[[\]<>]/g, '').replace(/\s+/g, ' ').trim();
  return truncateRunes(defuseMentions(flat), maxRunes);
}

/** Only http(s) links are kept; parentheses and spaces are encoded so the link cannot end early. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return parsed.href.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    return undefined;
  }
}

/** A Markdown link when the URL is safe, otherwise the (already escaped) label alone. */
export function link(label: string, url: string | undefined): string {
  const safe = safeUrl(url);
  return safe ? `[${label}](${safe})` : label;
}

/** Cuts to at most `max` Unicode code points, marking the cut with an ellipsis. */
export function truncateRunes(text: string, max: number): string {
  const runes = Array.from(text);
  return runes.length <= max ? text : `${runes.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export function runeLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
