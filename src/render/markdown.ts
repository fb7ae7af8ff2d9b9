/**
 * Text that comes from an alert source is untrusted: it must not mention anyone (`@channel`, `@all`, a user),
 * link a channel, form links, images, emphasis, headings, lists or tables. These helpers make it inert while
 * changing as little as they can, because the raw text is also what notifications, the channel switcher and API
 * clients show: a plain title stays byte-identical, and only what can form markup where it stands is touched.
 *
 * The rules follow Mattermost's renderer (@mattermost/commonmark, the parser of Mattermost's apps; its `inlines.js`
 * `reUrl`, `reAtMention`, `reChannelLink`, `reEmail`): URLs are autolinked after a scheme (`word:` followed by `/`,
 * a letter, a digit or `%`), after `www.`, and for `domain.tld/`; mentions are `@` and a letter; channel links are
 * `~` and a name. Those are broken by an invisible zero-width space; markup characters get a backslash.
 */

const ZWSP = '\u200b';
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
// Where Mattermost's autolinker starts a URL (see the module comment): the zero-width space goes between the groups.
// Each pattern is tried only on a word holding the characters it needs: a Unicode pattern costs a run a third of a
// millisecond to compile the first time it is used, and most words have no colon, slash or `www`.
const URL_STARTS: readonly { readonly needs: (word: string) => boolean; readonly pattern: RegExp }[] = [
  { needs: (word) => word.includes(':'), pattern: /^([A-Za-z][A-Za-z\d.+-]*:)(\/|[\p{L}\p{N}%])/u },
  { needs: (word) => word[0] === 'w' || word[0] === 'W', pattern: /^(www\d{0,3})(\.)/i },
  { needs: (word) => word.includes('/') && word.includes('.'), pattern: /^([\p{L}\d.-]+\.\p{L}{2,4})(\/)/u },
];
const ENTITY_AHEAD = /^&#?[A-Za-z0-9]+;/;
/** Every autolink Mattermost makes has a colon (a scheme) or a dot (`www.`, `domain.tld/`): text without either has none. */
const MAY_LINK = /[:.]/;
const NEXT_SPACE = /\s/g;

export interface InertOptions {
  /**
   * The text may begin a line, where block syntax (headings, lists, quotes, definitions) counts. The default:
   * attachment fields and table cells begin with their text, and `# P1` there would be a heading.
   */
  readonly lineStart?: boolean;
  /** Escape `|` too: the text is one of several lines, which could together form a table. */
  readonly pipes?: boolean;
  /** Escape every bracket: the text is a link's label. */
  readonly brackets?: boolean;
}

/** Untrusted text for one line of Markdown: control characters and line breaks become spaces. */
export function inlineText(text: string, maxRunes = 300, options: InertOptions = {}): string {
  return inert(truncateRunes(text.replace(CONTROL, ' ').trim(), maxRunes), options);
}

/** Untrusted text of several lines (a note), each line made inert, shown as a quote. */
export function quotedText(text: string, maxRunes = 4000): string {
  return truncateRunes(text.replace(/\r\n?/g, '\n'), maxRunes)
    .split('\n')
    .map((line) => `> ${inlineText(line, maxRunes, { pipes: true })}`.trimEnd())
    .join('\n');
}

/**
 * Untrusted text where Markdown is not rendered (a channel display name, a notification's fallback). Nothing there
 * is escaped; mentions, autolinks and link syntax are broken by invisible zero-width spaces all the same, in case
 * some client renders it.
 */
export function plainText(text: string, maxRunes: number): string {
  const flat = defuseMentions(text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim()).replace(/\](?=[([])/g, `]${ZWSP}`);
  return truncateRunes(breakUrls(flat), maxRunes);
}

/** A zero-width space wherever Mattermost's autolinker would start a URL. */
function breakUrls(text: string): string {
  if (!MAY_LINK.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const split = urlSplit(text, i, (j) => text.slice(j, j + 8));
    if (split === undefined) out += text[i];
    else {
      out += text.slice(i, i + split) + ZWSP;
      i += split - 1;
    }
  }
  return out;
}

/**
 * Where to break a URL that would start at `i`: the offset of the first split, or undefined. Several kinds may
 * start at one place (`www.https://`): the first split breaks them all, and the rest is looked at again after it.
 * `ahead(j)` is what follows from `j` on as it will be written.
 */
function urlSplit(text: string, i: number, ahead: (j: number) => string): number | undefined {
  // The autolinker starts after anything but an ASCII letter or digit (its `\W` is ASCII-only, so `é` counts).
  if (i > 0 && /[A-Za-z0-9]/.test(text[i - 1])) return undefined;
  if (!isWord(text[i])) return undefined;
  // No start pattern reaches past a space, so the rest of the word (and one character after it) is enough.
  NEXT_SPACE.lastIndex = i;
  const space = NEXT_SPACE.exec(text);
  const rest = text.slice(i, space ? space.index + 1 : text.length);
  const splits = URL_STARTS.map((start) => (start.needs(rest) ? start.pattern.exec(rest) : null))
    .filter((m) => m !== null && urlBodyFollows(ahead(i + m[0].length)))
    .map((m) => m![1].length);
  return splits.length > 0 ? Math.min(...splits) : undefined;
}

/** Neutralises mentions and e-mail autolinks: a zero-width space after each `@` that starts a name. */
export function defuseMentions(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(/@(?=[\p{L}\p{N}])/gu, `@${ZWSP}`);
}

/** Makes already flat text inert, changing only what could form markup where it stands. */
export function inert(text: string, options: InertOptions = {}): string {
  const context = { text, options, dollars: (text.match(/\$/g) ?? []).length };
  const mayLink = MAY_LINK.test(text);
  let out = options.lineStart === false ? '' : lineStartEscape(text);
  let i = out === '' ? 0 : leadLength(text);
  for (; i < text.length; i++) {
    // Autolinks: the scheme's colon, `www`'s dot or the domain's slash gets a zero-width space.
    const split = mayLink ? urlSplit(text, i, (j) => preview(context, j)) : undefined;
    if (split !== undefined) {
      out += text.slice(i, i + split) + ZWSP;
      i += split - 1;
      continue;
    }
    out += escapeAt(context, i);
  }
  return out;
}

interface InertContext {
  readonly text: string;
  readonly options: InertOptions;
  readonly dollars: number;
}

/** What the text from `i` on becomes, a few characters of it: what an autolinker would see there. */
function preview(context: InertContext, i: number): string {
  let out = '';
  for (let j = i; j < context.text.length && out.length < 8; j++) out += escapeAt(context, j);
  return out;
}

/** The character at `i`, escaped if it could form markup where it stands. */
function escapeAt({ text, options, dollars }: InertContext, i: number): string {
  const c = text[i];
  const prev = i > 0 ? text[i - 1] : ' ';
  const next = i + 1 < text.length ? text[i + 1] : ' ';
  switch (c) {
    case '\\':
      return ASCII_PUNCTUATION.test(next) ? '\\\\' : c;
    case '`':
      return '\\`';
    case '*':
      // Between spaces a star is only a star; anywhere else it may open or close emphasis.
      return SPACE.test(prev) && SPACE.test(next) ? c : '\\*';
    case '_':
      // Inside a word (snake_case) an underscore never forms emphasis.
      return isWord(prev) && isWord(next) ? c : '\\_';
    case '~':
      // `~name` links a channel, `~~` strikes through.
      return SPACE.test(next) ? c : '\\~';
    case '[':
      return options.brackets ? '\\[' : c;
    case ']':
      return options.brackets || next === '(' || next === '[' ? '\\]' : c;
    case '<':
      // An autolink or HTML.
      return /[A-Za-z/!?]/.test(next) ? '\\<' : c;
    case '&':
      return ENTITY_AHEAD.test(text.slice(i)) ? '\\&' : c;
    case '$':
      // Two dollars can frame inline LaTeX.
      return dollars > 1 ? '\\$' : c;
    case '|':
      return options.pipes ? '\\|' : c;
    case '@':
      return isWord(next) ? `@${ZWSP}` : c;
    default:
      return c;
  }
}

/** A letter or digit of any script; ASCII is told apart without compiling the Unicode tables. */
function isWord(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return WORD.test(c);
}

/**
 * Whether an autolink would form: after its start, Mattermost's autolinker needs at least one character of a URL's
 * body (not a space; punctuation only when something other than a space or bracket follows it).
 */
function urlBodyFollows(rest: string): boolean {
  const [c, d] = [rest[0], rest[1]];
  if (c === undefined || SPACE.test(c)) return false;
  if ('`!{;:\'",<>?«»“”‘’[]'.includes(c)) return d !== undefined && !/[\s()<>]/.test(d);
  if (c === '*' || c === '_') return /^[*_]+[^_*\s]/.test(rest);
  if (c === '(' || c === ')') return /^\((?:[^\s()<>]|\([^\s()<>]+\))*\)/.test(rest);
  return true;
}

/** Block syntax at the start of a line: headings, quotes, lists, breaks, setext underlines, definitions. */
const LINE_START: readonly RegExp[] = [/^#{1,6}(?=\s|$)/, /^>/, /^[-+*](?=\s|$)/, /^\d{1,9}[.)](?=\s|$)/, /^([-=*_])(\s*\1)*\s*$/, /^\[(?=[^\]]*\]:)/];

function lineStartEscape(text: string): string {
  for (const rule of LINE_START) {
    const m = rule.exec(text);
    if (!m) continue;
    // The marker's last character (or, for a run, its first) gets the backslash; the rest goes through `inert`.
    if (/^\d/.test(m[0])) return `${m[0].slice(0, -1)}\\${m[0].slice(-1)}`;
    return `\\${text[0]}`;
  }
  return '';
}

function leadLength(text: string): number {
  const m = /^\d{1,9}[.)]/.exec(text);
  return m ? m[0].length : 1;
}

/** Longer links are left out: a link is for clicking, and a huge one would push a post past Mattermost's limits. */
const MAX_URL_LENGTH = 2048;

/** Only http(s) links are kept; parentheses and spaces are encoded so the link cannot end early. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url || url.length > MAX_URL_LENGTH) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return parsed.href.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    return undefined;
  }
}

/** A Markdown link to `url` when it is safe, labelled with the untrusted `label` made inert; else the label alone. */
export function link(label: string, url: string | undefined, maxRunes = 300): string {
  const safe = safeUrl(url);
  return safe ? `[${inlineText(label, maxRunes, { brackets: true })}](${safe})` : inlineText(label, maxRunes);
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
