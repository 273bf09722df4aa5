import { useMemo } from 'react';
import { renderMarkdownSafe } from '../../../shared/report/markdown';

/** Renders markdown with raw HTML escaped (micromark, allowDangerousHtml off); safe to inject. */
export function Markdown({ source, className, label }: { source: string; className?: string; label?: string }) {
  const html = useMemo(() => renderMarkdownSafe(source), [source]);
  return (
    <div
      className={`markdown${className ? ` ${className}` : ''}`}
      aria-label={label}
      // sanitized: micromark escapes raw HTML and drops dangerous URLs
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
