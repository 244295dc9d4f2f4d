// The one way a string from a manifest or a cluster enters Markdown (hover, explanation, Diagnose report, completion
// docs, the live view's "Copy as Markdown"). A pure leaf with no imports: the server, the VS Code client and the
// webview all use it (client/ and media/ include this file like server/src/protocol).
//
// Where the Markdown is rendered: VS Code hovers (marked, GFM autolinks), VS Code's Markdown preview (markdown-it 12
// with linkify), GitHub (PR comments from `kpl diagnose --format markdown`) and any markdown-it with linkify on. In all
// of them the text must stay text: no HTML, no image (a remote image is a request to a host the author chose), no
// link (`command:` links run editor commands, web links phish), no emphasis, heading, list, table or line break.

/**
 * Words a linkifier could turn into a link: a scheme or protocol-relative URL (`//`), an e-mail (`@`, also `mailto:`),
 * a host name (a dot followed by a letter: `www.x`, fuzzy `example.com`, `пример.рф`, `xn--…`). Over-inclusive on
 * purpose (`memory.available` qualifies): such a word is shown as a code span, which no renderer links.
 */
const linkable = /\/\/|@|\.\p{L}/u;

/** Characters with inline meaning, escaped (HTML-significant ones as entities, the rest with a backslash). */
const inlineSyntax = /[\\`*_[\]|~$<>&]/g;

function escapeChar(ch: string): string {
  return ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : `\\${ch}`;
}

/** Punctuation kept outside a code span around a linkable word: `(see example.com).` */
const openers = '([{"\'';
const closers = ')]}"\'.,;:!?';

function escapeWord(word: string): string {
  if (!linkable.test(word)) return word.replace(inlineSyntax, escapeChar);
  let start = 0;
  let end = word.length;
  while (start < end && openers.includes(word.charAt(start))) start++;
  while (end > start && closers.includes(word.charAt(end - 1))) end--;
  const core = word.slice(start, end);
  if (!linkable.test(core)) return codeSpan(word);
  const plain = (s: string): string => s.replace(inlineSyntax, escapeChar);
  return `${plain(word.slice(0, start))}${codeSpan(core)}${plain(word.slice(end))}`;
}

/**
 * Text for Markdown, shown literally wherever it is put inside a line: HTML-significant characters as entities,
 * link, image, emphasis, code, table, strikethrough and math syntax escaped, every whitespace run (line breaks
 * included) as one space, no space at either end, a leading block marker (`#`, `-`, `+`, `=`, `1.`) escaped. A word a linkifier could link is
 * a code span instead: escaping its characters is not enough, because the markdown-it of VS Code's preview (older than
 * 13: no text_join) merges backslash escapes and entities back into the text before linkify runs.
 */
export function escapeMarkdown(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Word by word only when some word could be linked (the common case is one pass over the text).
  const escaped = linkable.test(flat) ? flat.replace(/\S+/g, escapeWord) : flat.replace(inlineSyntax, escapeChar);
  // Put right after a list marker or at a line start, these would open a heading, list, setext underline or ordered list.
  const lead = /^(?:[#=+-]|\d{1,9}[.)])/.exec(escaped);
  if (lead === null) return escaped;
  const at = lead[0].length - 1;
  return `${escaped.slice(0, at)}\\${escaped.slice(at)}`;
}

/** A code span showing `text` literally (whitespace runs as one space), whatever backticks it contains. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  if (flat === '') return '';
  let longest = 0;
  let run = 0;
  for (let i = 0; i < flat.length; i++) {
    run = flat.charCodeAt(i) === 0x60 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  // A space inside each fence keeps a leading or trailing backtick (or space) from being read as part of it.
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
