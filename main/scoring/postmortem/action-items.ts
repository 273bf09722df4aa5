import type { List, Table } from 'mdast';
import { listItemText, tableRows, type ParsedPostmortem, sectionsOf } from './parse.js';
import { splitSentences } from '../text.js';

export type ActionType = 'prevent' | 'detect' | 'mitigate';

export interface ActionItem {
  text: string;
  type: ActionType | null;
  /** true when the type is written out, false when inferred from the wording. */
  typeExplicit: boolean;
  owner: string | null;
  /** A ticket, issue or link that tracks it. */
  tracking: string | null;
  vague: string | null;
}

const TRACKING = /\b[A-Z][A-Z0-9]{1,9}-\d+\b|(^|\s)#\d+\b|https?:\/\/\S+|\b(bug|issue|ticket)\s*[:#]?\s*\d+/;

const EXPLICIT_TYPE: [ActionType, RegExp][] = [
  ['prevent', /\b(prevent(ion|ive|ative)?|preventive)\b/i],
  ['detect', /\b(detect(ion|ive)?)\b/i],
  ['mitigate', /\b(mitigat(e|ion|ing)|repair|recover(y)?|respond|response)\b/i],
];

const INFERRED_TYPE: [ActionType, RegExp][] = [
  [
    'detect',
    /\b(alert(s|ing)?|monitor(s|ing)?|dashboards?|slos?|slis?|page|paging|observability|metrics?|probes?|synthetic|log(ging)?|notify|burn rate|auto_explain)\b/i,
  ],
  [
    'mitigate',
    /\b(runbooks?|playbooks?|rollbacks?|roll back|feature flags?|kill switch|timeouts?|circuit breakers?|rate limit(s|ing)?|failover|automat(e|ic) (the )?(recovery|rollback)|statement_timeout|load shedding)\b/i,
  ],
  [
    'prevent',
    /\b(checks?|ci|pipeline|fail(s)? the (deploy|build)|block(s)?|gate|review(s|ed)?|tests?|lint(er)?|validat(e|ion)|require(s|d)?|enforce|add (a|an) (step|check)|migrations?|explain|capacity plan|pre-?deploy|guard)\b/i,
  ],
];

const VAGUE =
  /\b(be (more )?careful|pay (more )?attention|try harder|be (more )?vigilant|more diligent|double[- ]check (everything|things)|remember to|don't forget|do not forget|be aware|communicate better|improve communication|avoid (this|mistakes|such issues)|make sure (this|it) (doesn't|does not|never) happen again|be more thorough|take more care|look into (it|this)|improve (things|processes|the process)|do better)\b/i;

const OWNER_INLINE =
  /\b(?:owner|owners|assignee|assigned to|owned by|dri)\s*[:=\-–—]?\s*([@A-Za-z][\w@ .&/-]{1,40}?)(?=\s*(?:[,;)|\]]|\.(?:\s|$)|$|\s+(?:type|due|ticket|tracking|priority)\b))/i;
const OWNER_TRAILING =
  /(?:[—–]|\s-\s|\()\s*((?:the\s+)?[\w&/ -]{0,30}?\b(?:team|squad|sre|sres|dba|dbas|on-?call|platform|backend|infra|infrastructure|engineering|eng|oncall|owners?|lead|manager|guild|chapter))\)?\s*(?:[,.;(]|$)/i;
const MENTION = /(^|\s)@([\w-]+)/;
const NO_OWNER = /^(tbd|tba|\?+|-+|none|n\/a|unassigned|unknown|someone|anyone)$/i;

function ownerOf(text: string): string | null {
  const inline = OWNER_INLINE.exec(text);
  if (inline && !NO_OWNER.test(inline[1]!.trim())) return inline[1]!.trim();
  const mention = MENTION.exec(text);
  if (mention) return `@${mention[2]}`;
  const trailing = OWNER_TRAILING.exec(text);
  if (trailing && !NO_OWNER.test(trailing[1]!.trim())) return trailing[1]!.trim();
  return null;
}

function typeOf(text: string, column: string | null): { type: ActionType | null; explicit: boolean } {
  for (const source of [column, text]) {
    if (!source) continue;
    for (const [type, re] of EXPLICIT_TYPE) if (re.test(source)) return { type, explicit: true };
  }
  for (const [type, re] of INFERRED_TYPE) if (re.test(text)) return { type, explicit: false };
  return { type: null, explicit: false };
}

function itemFrom(
  text: string,
  typeColumn: string | null,
  ownerColumn: string | null,
  trackingColumn: string | null = null,
): ActionItem {
  const { type, explicit } = typeOf(text, typeColumn);
  const owner =
    ownerColumn && !NO_OWNER.test(ownerColumn.trim()) && ownerColumn.trim() !== ''
      ? ownerColumn.trim()
      : ownerOf(text);
  const vagueMatch = VAGUE.exec(text);
  const words = text.split(/\s+/).filter(Boolean).length;
  return {
    text: text.replace(/\s+/g, ' ').trim(),
    type,
    typeExplicit: explicit,
    owner,
    tracking: TRACKING.exec(`${trackingColumn ?? ''} ${text}`)?.[0].trim() ?? null,
    vague: vagueMatch ? vagueMatch[0] : words < 4 ? 'too short to act on' : null,
  };
}

function itemsFromTable(table: Table): ActionItem[] {
  const rows = tableRows(table);
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const ownerCol = header.findIndex((h) => /owner|assignee|who|team|dri/.test(h));
  const typeCol = header.findIndex((h) => /type|kind|category/.test(h));
  const trackCol = header.findIndex((h) => /track|ticket|issue|bug|link|jira/.test(h));
  return rows.slice(1).map((row) => {
    const text = row.filter((_, i) => i !== ownerCol && i !== typeCol && i !== trackCol).join(' — ');
    return itemFrom(
      `${text}${typeCol >= 0 ? ` (${row[typeCol] ?? ''})` : ''}`,
      typeCol >= 0 ? (row[typeCol] ?? null) : null,
      ownerCol >= 0 ? (row[ownerCol] ?? '') : null,
      trackCol >= 0 ? (row[trackCol] ?? null) : null,
    );
  });
}

export function actionItems(doc: ParsedPostmortem): ActionItem[] {
  const items: ActionItem[] = [];
  const sections = sectionsOf(doc, 'action-items');
  const structured = sections.some((s) =>
    s.blocks.some((b) => b.node.type === 'list' || b.node.type === 'table'),
  );
  for (const section of sections) {
    for (const block of section.blocks) {
      if (block.node.type === 'list') {
        for (const item of (block.node as List).children)
          items.push(itemFrom(listItemText(item), null, null));
      } else if (block.node.type === 'table') {
        items.push(...itemsFromTable(block.node as Table));
      } else if (block.type === 'paragraph' && !structured) {
        // Prose action items: one per sentence that asks for something.
        for (const sentence of splitSentences(block.text))
          if (sentence.split(/\s+/).length >= 3) items.push(itemFrom(sentence, null, null));
      }
    }
  }
  return items;
}
