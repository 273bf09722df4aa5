import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString } from 'mdast-util-to-string';
import { gfm } from 'micromark-extension-gfm';
import type { List, ListItem, Paragraph, Root, RootContent, Table } from 'mdast';
import { stem } from '../text.js';

export const SECTION_KINDS = [
  'summary',
  'impact',
  'timeline',
  'root-cause',
  'trigger',
  'detection',
  'resolution',
  'action-items',
  'lessons',
] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];

export const SECTION_TITLES: Record<SectionKind, string> = {
  summary: 'Summary',
  impact: 'Impact',
  timeline: 'Timeline',
  'root-cause': 'Root cause',
  trigger: 'Trigger',
  detection: 'Detection',
  resolution: 'Resolution',
  'action-items': 'Action items',
  lessons: 'Lessons learned',
};

/** Heading synonyms, compared as stem sets (word order and inflection do not matter). */
const SYNONYMS: Record<SectionKind, string[]> = {
  summary: [
    'summary',
    'overview',
    'tl dr',
    'tldr',
    'what happened',
    'incident description',
    'description',
    'synopsis',
    'abstract',
  ],
  impact: [
    'impact',
    'blast radius',
    'who was affected',
    'affected',
    'effect',
    'effects',
    'consequences',
    'severity',
    'how bad',
  ],
  timeline: [
    'timeline',
    'time line',
    'chronology',
    'sequence of events',
    'timeline of events',
    'log of events',
  ],
  'root-cause': [
    'root cause',
    'cause',
    'why it happened',
    'why did it happen',
    'contributing factor',
    'five whys',
    '5 whys',
    'causal analysis',
    'technical analysis',
    'analysis',
    'why',
  ],
  trigger: ['trigger', 'what triggered', 'proximate cause', 'precipitating event'],
  detection: [
    'detection',
    'detected',
    'how we found out',
    'how we noticed',
    'discovery',
    'alerting',
    'how it was noticed',
    'who noticed',
  ],
  resolution: [
    'resolution',
    'mitigation',
    'recovery',
    'remediation',
    'how it was fixed',
    'how we fixed it',
    'fix',
    'resolved',
    'restoration',
    'actions taken',
    'what we did',
    'what we changed',
    'response',
  ],
  'action-items': [
    'action items',
    'action item',
    'actions',
    'follow ups',
    'followups',
    'follow up',
    'next steps',
    'remediation items',
    'corrective actions',
    'preventive actions',
    'preventative actions',
    'todo',
    'to do',
    'action plan',
    'tasks',
    'work items',
    'will do',
    'going forward',
    'improvements',
  ],
  lessons: [
    'lessons learned',
    'lessons',
    'learnings',
    'learned',
    'takeaways',
    'what went well',
    'what went wrong',
    'went well',
    'went wrong',
    'got lucky',
    'reflections',
    'retrospective',
  ],
};

/** A heading that also names one of these kinds is not this kind ("Remediation items" is not the fix). */
const UNLESS: Partial<Record<SectionKind, SectionKind[]>> = {
  summary: ['timeline', 'root-cause', 'lessons', 'impact'],
  resolution: ['action-items', 'lessons'],
  detection: ['action-items'],
  impact: ['root-cause'],
};
const EXCLUDE_STEMS: Partial<Record<SectionKind, string[]>> = {
  'action-items': ['taken'],
  'root-cause': ['trigger'],
};

function headingStems(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[a-z0-9]+/g) ?? []).map(stem));
}

const COMPILED = Object.fromEntries(
  SECTION_KINDS.map((kind) => [kind, SYNONYMS[kind].map((s) => [...headingStems(s)])]),
) as Record<SectionKind, string[][]>;

export function classifyHeading(text: string): SectionKind[] {
  const stems = headingStems(text);
  const raw = SECTION_KINDS.filter((kind) => COMPILED[kind].some((syn) => syn.every((s) => stems.has(s))));
  // "Root cause and trigger" names both; "Trigger" alone is only the trigger.
  return raw.filter((kind) => {
    if ((UNLESS[kind] ?? []).some((other) => raw.includes(other))) return false;
    if (kind === 'root-cause' && stems.has('trigger') && !stems.has('root')) return false;
    return !(EXCLUDE_STEMS[kind] ?? []).some((s) => stems.has(s) && kind !== 'root-cause');
  });
}

export interface Block {
  type: RootContent['type'];
  text: string;
  node: RootContent;
  line: number;
}

export interface Section {
  heading: string;
  level: number;
  line: number;
  /** Kinds named by this heading; empty when it names none. */
  kinds: SectionKind[];
  /** Kinds in effect: its own, or inherited from the nearest classified parent. */
  effective: SectionKind[];
  /** A bold "**Root cause:**" label or "Root cause:" line rather than a heading. */
  label: boolean;
  blocks: Block[];
}

export interface ParsedPostmortem {
  sections: Section[];
  /** All prose of the document, in order. */
  text: string;
}

/** Block text with list items and table rows on their own lines, so sentences do not run together. */
export function blockText(node: RootContent): string {
  if (node.type === 'list') return (node as List).children.map((item) => listItemText(item)).join('\n');
  if (node.type === 'table')
    return tableRows(node as Table)
      .map((row) => row.join(' | '))
      .join('\n');
  if (node.type === 'code') return '';
  if (node.type === 'html') return '';
  return flat(toString(node));
}

/** Soft line breaks inside a paragraph are spaces, not sentence ends. */
function flat(text: string): string {
  // Linear: a blank run that holds a line break becomes one space (a `\s*\n\s*` pattern retried every
  // blank of a long run without a break, quadratic on crafted input).
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  let out = lines[0]!.trimEnd();
  for (let i = 1; i < lines.length; i++) {
    const last = i === lines.length - 1;
    const line = last ? lines[i]!.trimStart() : lines[i]!.trim();
    if (line === '' && !last) continue;
    out += ` ${line}`;
  }
  return out;
}

/** `text` without the trailing colons, dots and blanks of a label, in linear time. */
function trimLabelEnd(text: string): string {
  let end = text.length;
  while (end > 0 && /[:.\s]/.test(text[end - 1]!)) end--;
  return text.slice(0, end);
}

export function listItemText(item: ListItem): string {
  return item.children
    .map((child) => (child.type === 'list' ? blockText(child) : flat(toString(child))))
    .join('\n');
}

export function tableRows(table: Table): string[][] {
  return table.children.map((row) => row.children.map((cell) => flat(toString(cell)).trim()));
}

function labelOf(paragraph: Paragraph): { label: string; rest: string } | null {
  const first = paragraph.children[0];
  const text = flat(toString(paragraph));
  if (first && first.type === 'strong') {
    const label = trimLabelEnd(toString(first));
    if (label.split(/\s+/).length <= 6)
      return { label, rest: text.slice(toString(first).length).replace(/^[:\s]+/, '') };
  }
  const m = /^([A-Za-z][A-Za-z /&'-]{2,40}):(\s+|$)/.exec(text);
  if (m) return { label: m[1]!, rest: text.slice(m[0].length) };
  return null;
}

export function parsePostmortem(markdown: string): ParsedPostmortem {
  const tree: Root = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const sections: Section[] = [];
  let current: Section = {
    heading: '',
    level: 0,
    line: 1,
    kinds: [],
    effective: [],
    label: false,
    blocks: [],
  };
  sections.push(current);
  const stack: Section[] = [];

  const open = (heading: string, level: number, line: number, label: boolean): void => {
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    const kinds = classifyHeading(heading);
    const parent = [...stack].reverse().find((s) => s.effective.length > 0);
    current = {
      heading,
      level,
      line,
      kinds,
      effective: kinds.length > 0 ? kinds : (parent?.effective ?? []),
      label,
      blocks: [],
    };
    sections.push(current);
    stack.push(current);
  };

  let headingLevel = 0;
  for (const node of tree.children) {
    const line = node.position?.start.line ?? 0;
    if (node.type === 'heading') {
      headingLevel = node.depth;
      open(toString(node), node.depth, line, false);
      continue;
    }
    if (node.type === 'paragraph') {
      const label = labelOf(node);
      if (label && classifyHeading(label.label).length > 0) {
        open(label.label, headingLevel + 0.5, line, true);
        if (label.rest.trim() !== '')
          current.blocks.push({ type: 'paragraph', text: label.rest, node, line });
        continue;
      }
    }
    const text = blockText(node);
    if (text.trim() !== '') current.blocks.push({ type: node.type, text, node, line });
  }

  const text = sections.map((s) => [s.heading, ...s.blocks.map((b) => b.text)].join('\n')).join('\n');
  return { sections, text };
}

export function sectionsOf(doc: ParsedPostmortem, kind: SectionKind): Section[] {
  return doc.sections.filter((s) => s.effective.includes(kind));
}

/**
 * What the learner wrote as analysis: every section's blocks except the timeline (the draft pre-fills it
 * with their own commands) and block quotes (the draft's guidance), without headings such as the title.
 */
export function proseOf(doc: ParsedPostmortem): string {
  return doc.sections
    .filter((s) => !s.effective.includes('timeline'))
    .flatMap((s) => s.blocks.filter((b) => b.type !== 'blockquote').map((b) => b.text))
    .join('\n');
}

export function textOf(doc: ParsedPostmortem, kind: SectionKind): string {
  return sectionsOf(doc, kind)
    .flatMap((s) => s.blocks.map((b) => b.text))
    .join('\n');
}
