import { memo, useEffect, useRef } from 'react';
import type { TimelineItem } from '../../../../shared/api/contract';
import { KIND_ICONS } from '../../../../shared/report/timeline-icons';
import { formatDuration } from '../../../../shared/format/duration';

export const TimelinePanel = memo(function TimelinePanel({ timeline }: { timeline: TimelineItem[] }) {
  const body = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  // Follow new events unless the reader scrolled up to look at older ones.
  useEffect(() => {
    const el = body.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [timeline.length]);
  return (
    <section className="panel timeline-panel" aria-labelledby="timeline-title" data-testid="timeline">
      <div className="panel-head">
        <h3 id="timeline-title">Timeline</h3>
        <span className="count">{timeline.length} events</span>
      </div>
      <div
        className="panel-body"
        ref={body}
        tabIndex={0}
        aria-label="Event timeline"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {timeline.length === 0 ? (
          <p className="muted">Nothing yet.</p>
        ) : (
          <ol className="timeline-list">
            {timeline.map((item) => (
              <li
                key={item.id}
                className={`timeline-item kind-${item.kind}${item.ok === false ? ' fail-text' : ''}`}
              >
                <span className="t">
                  {item.sincePageMs === null
                    ? ''
                    : formatDuration(item.sincePageMs, 'clock', { sign: 'always' })}
                </span>
                <span className="k" aria-label={item.kind} title={item.kind}>
                  {item.kind === 'check' && item.ok === false ? '✗' : KIND_ICONS[item.kind]}
                </span>
                <span className="text">
                  {item.text}
                  {item.detail ? <span className="muted"> — {item.detail}</span> : null}
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
});
