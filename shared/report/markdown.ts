/**
 * Markdown → safe HTML for briefings, postmortem previews and reports. PURE (micromark only), shared by
 * the renderer and the HTML report: raw HTML is escaped, dangerous link protocols are dropped, and images
 * are reduced to their alt text (nothing is ever fetched from elsewhere).
 */
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/** HTML comments on their own lines: authoring guidance (the postmortem draft has some), hidden like any renderer would. */
const BLOCK_COMMENT = /^[ \t]*<!--(?:(?!-->)[\s\S])*-->[ \t]*$/gm;

export function renderMarkdownSafe(markdown: string): string {
  const html = micromark(markdown.replace(BLOCK_COMMENT, ''), {
    allowDangerousHtml: false,
    allowDangerousProtocol: false,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
  // micromark escapes every raw tag, so an <img> here is one it made from ![alt](src): keep only the alt text.
  return html
    .replace(/<img\b[^>]*?\balt="([^"]*)"[^>]*>/g, '<span class="img-alt">[image: $1]</span>')
    .replace(/<img\b[^>]*>/g, '')
    .replace(/<a href="/g, '<a rel="noreferrer noopener" target="_blank" href="');
}
