/**
 * Markdown → safe HTML for briefings, postmortem previews and reports. PURE (micromark only), shared by
 * the renderer and the HTML report: raw HTML is escaped, dangerous link protocols are dropped, and images
 * are reduced to their alt text (nothing is ever fetched from elsewhere).
 */
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/**
 * Drops HTML comments that stand on their own lines (authoring guidance: the postmortem draft has some),
 * hidden like any renderer would. A comment may span lines: from a line that starts with `<!--` to the
 * first line that ends with `-->`. One pass over the lines, linear in the input (no backtracking regex).
 */
export function stripBlockComments(markdown: string): string {
  const lines = markdown.split('\n');
  // nextClose[k]: the first line at or after k that holds a `-->` (lines.length: none). Built once, backwards.
  const nextClose = new Array<number>(lines.length + 1).fill(lines.length);
  for (let k = lines.length - 1; k >= 0; k -= 1) nextClose[k] = lines[k]!.includes('-->') ? k : nextClose[k + 1]!;
  const kept: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const open = line.indexOf('<!--');
    if (open < 0 || !/^[ \t]*$/.test(line.slice(0, open))) {
      kept.push(line);
      i += 1;
      continue;
    }
    // Where this comment closes: the first `-->` after its `<!--`, on this line or a later one.
    let j = i;
    let close = line.indexOf('-->', open + 4);
    if (close < 0) {
      j = nextClose[i + 1]!;
      close = j < lines.length ? lines[j]!.indexOf('-->') : -1;
    }
    if (close < 0 || !/^[ \t\r]*$/.test(lines[j]!.slice(close + 3))) {
      // Not a whole-line comment (unclosed, or text after it): the line stays as written.
      kept.push(line);
      i += 1;
      continue;
    }
    kept.push('');
    i = j + 1;
  }
  return kept.join('\n');
}

export function renderMarkdownSafe(markdown: string): string {
  const html = micromark(stripBlockComments(markdown), {
    allowDangerousHtml: false,
    allowDangerousProtocol: false,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
  // micromark escapes every raw tag, so an <img> here is one it made from ![alt](src): keep only the alt text.
  return html
    .replace(/<img\b[^>]*>/g, (tag) => {
      const alt = /\salt="([^"]*)"/.exec(tag);
      return alt ? `<span class="img-alt">[image: ${alt[1]}]</span>` : '';
    })
    .replace(/<a href="/g, '<a rel="noreferrer noopener" target="_blank" href="');
}
