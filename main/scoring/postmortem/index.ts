/**
 * The postmortem grader: mdast + GFM parsing (parse.ts), clause-level assertion analysis (assertions.ts),
 * rubric concepts (concepts.ts), the root cause and its cap (root-cause.ts), blameless findings, action items and
 * a timeline checked against the session's event log. Substance outweighs form: the root cause is the largest
 * criterion, and a write-up whose root-cause section does not establish the cause is capped at 40 whatever its
 * structure, length or polish.
 */
import type { RunEvent } from '../../engine/events/types.js';
import type { InvestigationSignal } from '../../engine/scenario/schema.js';
import type { GradeCriterion, GradeReport, PostmortemRubric } from '../types.js';
import { quote, wordCount } from '../text.js';
import { actionItems } from './action-items.js';
import { analyseBlocks, type AnalysedSentence, type TextBlock } from './assertions.js';
import { findBlame, type BlameFinding } from './blameless.js';
import { findConcept, strongest, type ConceptHit } from './concepts.js';
import { parsePostmortem, SECTION_KINDS, SECTION_TITLES, sectionsOf, proseOf, textOf, type ParsedPostmortem, type SectionKind } from './parse.js';
import { gradeRootCause, rootCauseWords, type Where } from './root-cause.js';
import { compileRubric, type CompiledRubric } from './rubric.js';
import { sessionEvidence } from './session-evidence.js';
import { chronologicalFraction, matchMoments, timelineEntries, type MomentId } from './timeline.js';

export { parsePostmortem, classifyHeading } from './parse.js';
export { findBlame } from './blameless.js';
export { actionItems } from './action-items.js';
export { matchMoments, timelineEntries, parseWrittenTime, momentsOf } from './timeline.js';

export interface GradeOptions {
  events?: RunEvent[] | undefined;
  /** The resolution the run reached (for `requiredThemesByResolution`). */
  resolutionId?: string | undefined;
  /** The scenario's investigation signals: feedback on an unestablished cause cites the first root-cause one the learner ran. */
  signals?: readonly Pick<InvestigationSignal, 'id' | 'rootCause' | 'evidence'>[] | undefined;
  /** IANA zone for clock times besides UTC; default the runner's zone. */
  timeZone?: string | undefined;
  /** Tolerance for timeline times, seconds (default 120). */
  toleranceSeconds?: number | undefined;
  /** Fill `explain` on every criterion (trainers: `firedrill grade --explain`). */
  explain?: boolean | undefined;
}

/**
 * Points per criterion; they sum to 100. Substance over form: the root cause (35) and action items that address
 * it (20) outweigh structure (5); blameless language (15), a timeline that agrees with the session (15) and a
 * quantified impact (10) make up the rest. The cap below makes sure no amount of form lifts a write-up whose
 * root cause is not established above one whose root cause is.
 */
export const GRADE_WEIGHTS = {
  structure: 5,
  'root-cause': 35,
  timeline: 15,
  impact: 10,
  'action-items': 20,
  blameless: 15,
} as const;

/** A write-up whose root-cause section does not establish the primary cause cannot pass: its total is capped here. */
export const ROOT_CAUSE_CAP = 40;
/** Words a write-up needs before "no blame found" is worth the whole blameless criterion. */
const BLAMELESS_FULL_WORDS = 150;
/** What each blame finding costs, by kind. */
const BLAME_COST: Record<BlameFinding['kind'], number> = {
  'named-individual': 8,
  'person-reference': 6,
  'human-error': 6,
  character: 6,
  judgement: 4,
};

/** Score bands, for trainers and calibration: fail ≤ 40 (where the cap lands), pass ≥ 75. */
export const GRADE_BANDS = [
  { id: 'fail', min: 0, max: 40, meaning: 'the root cause is not established, or little else is there' },
  { id: 'weak', min: 40, max: 60, meaning: 'a cause is there, but much of the review is missing' },
  { id: 'fair', min: 60, max: 75, meaning: 'a sound review with gaps' },
  { id: 'pass', min: 75, max: 100, meaning: 'a postmortem a reviewer would accept' },
] as const;

export function bandOf(score: number): (typeof GRADE_BANDS)[number] {
  if (score <= 40) return GRADE_BANDS[0];
  if (score < 60) return GRADE_BANDS[1];
  if (score < 75) return GRADE_BANDS[2];
  return GRADE_BANDS[3];
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

interface Ctx {
  doc: ParsedPostmortem;
  /** Every sentence, timeline included. */
  all: AnalysedSentence[];
  /** Everything but the timeline and block quotes: the draft pre-fills those, they are not an analysis. */
  prose: AnalysedSentence[];
  byKind: Map<SectionKind, AnalysedSentence[]>;
  rubric: CompiledRubric;
  raw: PostmortemRubric;
  options: GradeOptions;
  /** Set once the root cause is graded: whether the learner already named it (feedback may then be specific). */
  primaryAffirmed: boolean;
}

function sentencesOf(ctx: Ctx, kind: SectionKind): AnalysedSentence[] {
  return ctx.byKind.get(kind) ?? [];
}

const stated = (hits: ConceptHit[]): ConceptHit | undefined => hits.find((h) => h.status === 'affirmed' || h.status === 'hedged');

// ------------------------------------------------------------------ structure

function gradeStructure(ctx: Ctx): GradeCriterion {
  const max = GRADE_WEIGHTS.structure;
  const evidence: string[] = [];
  const missing: string[] = [];
  const thin: string[] = [];
  let sum = 0;
  for (const kind of SECTION_KINDS) {
    const sections = sectionsOf(ctx.doc, kind);
    if (sections.length === 0) {
      missing.push(SECTION_TITLES[kind]);
      continue;
    }
    const words = wordCount(textOf(ctx.doc, kind));
    const own = sections.filter((s) => s.kinds.includes(kind));
    const headings = (own.length > 0 ? own : sections).map((s) => `"${s.heading}" (line ${s.line})`).join(', ');
    // A section counts fully from 20 words, half when it is only a heading and a line.
    const credit = Math.max(0.5, Math.min(1, words / 20));
    sum += credit;
    if (credit === 1) evidence.push(`${SECTION_TITLES[kind]}: ${headings}`);
    else {
      thin.push(SECTION_TITLES[kind]);
      evidence.push(`${SECTION_TITLES[kind]}: ${headings}, only ${words} words`);
    }
  }
  if (missing.length > 0) evidence.push(`missing: ${missing.join(', ')}`);
  const points = round1((max * sum) / SECTION_KINDS.length);
  const feedback =
    missing.length === 0 && thin.length === 0
      ? 'Every section of the SRE postmortem template is present and filled in.'
      : `Add ${[...missing, ...thin.map((t) => `more to ${t}`)].join(', ')} so reviewers find each part where they expect it.`;
  return { id: 'structure', title: 'Structure', points, max, evidence, feedback };
}

// ------------------------------------------------------------------ timeline

function gradeTimeline(ctx: Ctx): GradeCriterion {
  const max = GRADE_WEIGHTS.timeline;
  const evidence: string[] = [];
  const text = textOf(ctx.doc, 'timeline');
  const entries = timelineEntries(text);
  const order = chronologicalFraction(entries);
  const parts: { weight: number; score: number }[] = [];
  const events = ctx.options.events;

  evidence.push(`${entries.length} timed entries in the timeline`);
  if (events && events.length > 0) {
    const matches = matchMoments(entries, events, {
      toleranceSeconds: ctx.options.toleranceSeconds,
      timeZone: ctx.options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
    const matched = matches.filter((m) => m.entry);
    for (const m of matches)
      evidence.push(
        m.entry
          ? `matched ${m.moment.title} (${m.moment.eventId}, ${m.moment.time}): "${quote(m.entry.text, 100)}"${m.distanceSeconds ? ` (${Math.round(m.distanceSeconds)} s off)` : ''}`
          : `no entry for ${m.moment.title} (${m.moment.eventId}, ${m.moment.time})`,
      );
    parts.push({ weight: 0.6, score: matches.length === 0 ? 0 : matched.length / matches.length });
    parts.push({ weight: 0.1, score: Math.min(1, entries.length / 5) });
  } else {
    const keywordMoments: [MomentId, RegExp][] = [
      ['fault', /\b(deploy|release|rollout|v2|shipped|migration|change)/i],
      ['alert', /\b(alert|page|paged|fired|on-?call)/i],
      ['investigation', /\b(investigat|look|check|query|ran|psql|explain|logs?)/i],
      ['mitigation', /\b(mitigat|index|rollback|rolled back|revert|fix|creat)/i],
      ['resolution', /\b(resolv|recover|normal|stable|closed|all clear)/i],
    ];
    const found = keywordMoments.filter(([, re]) => entries.some((e) => re.test(e.text)));
    evidence.push(`no event log: checked presence and order only; moments named: ${found.map(([id]) => id).join(', ') || 'none'}`);
    parts.push({ weight: 0.35, score: Math.min(1, entries.length / 5) });
    parts.push({ weight: 0.35, score: found.length / keywordMoments.length });
  }
  parts.push({ weight: 0.15, score: entries.length >= 2 ? order.fraction : 0 });
  for (const e of order.outOfOrder) evidence.push(`out of order: "${quote(e.text, 100)}"`);

  if (ctx.rubric.detection) {
    const hit = stated(findConcept(ctx.all, ctx.rubric.detection));
    parts.push({ weight: 0.15, score: hit ? 1 : 0 });
    evidence.push(hit ? `detection named: "${quote(hit.sentence.text, 100)}"` : 'how the incident was detected (the alert or page) is not named');
  }
  const total = parts.reduce((a, p) => a + p.weight, 0);
  const fraction = parts.reduce((a, p) => a + p.weight * p.score, 0) / total;
  const points = round1(max * fraction);
  const feedback =
    entries.length === 0
      ? 'Add a timeline with times (14:03 or T+12m) for the fault, the page, the investigation, the mitigation and the resolution.'
      : fraction >= 0.85
        ? 'The timeline is complete, in order and agrees with the session log.'
        : events
          ? 'Some key moments are missing from the timeline or their times disagree with the session log; check them against the draft.'
          : 'Give every key moment (change, page, investigation, mitigation, resolution) a time, in order.';
  return { id: 'timeline', title: 'Timeline', points, max, evidence, feedback };
}

// ------------------------------------------------------------------ impact

const DURATION =
  /\b\d+(\.\d+)?\s*(minutes?|mins?|hours?|hrs?|h|m|seconds?|secs?)\b|\bfrom\s+\d{1,2}:\d{2}.{0,20}?\b(to|until|till)\s+\d{1,2}:\d{2}/i;
/*
 * METRIC and SCOPE run on what a learner wrote, so every repetition is bounded (a number is at most 30
 * characters, a gap at most 4 blanks, a word at most 40 letters): each start position costs a constant,
 * and a crafted write-up ("1.1.1.…", long blank runs) is read in linear time, not quadratic.
 */
const METRIC =
  /\b\d[\d,.]{0,30}\s{0,4}(ms|milliseconds?|s|seconds|%|percent|rps|req\/s|requests?(\/s| per second)?|errors?|timeouts?|x|times|orders?|users?|customers?|sessions?|checkouts?|calls?)\b|\bp(50|90|95|99)\b/gi;
const WHO =
  /\b(users?|customers?|shoppers?|buyers?|merchants?|clients?|visitors?|tenants?|consumers?|callers?|partners?|requests?)\b/i;
/** How many were affected: a share or a count of requests/users, or "all/every ...". */
const SCOPE =
  /\b\d[\d,.]{0,30}\s{0,4}(%|percent)\s{0,4}(of\s{1,4})?(\w{1,40}\s{1,4}){0,2}(requests?|users?|customers?|checkouts?|orders?|calls?|sessions?|traffic)\b|(≈|~|about|around|roughly)?\s{0,4}\b\d[\d,.]{0,30}\s{1,4}(\w{1,40}\s{1,4})?(requests?|users?|customers?|checkouts?|orders?|calls?|sessions?)\b|\b(all|every)\s{1,4}(\w{1,40}\s{1,4})?(users?|customers?|requests?|checkouts?|shoppers?|calls?)\b/i;

function gradeImpact(ctx: Ctx): GradeCriterion {
  const max = GRADE_WEIGHTS.impact;
  const evidence: string[] = [];
  const own = textOf(ctx.doc, 'impact');
  const fallback = textOf(ctx.doc, 'summary');
  const scoreIn = (text: string): { d: string | null; m: string[]; w: string | null; s: string | null } => ({
    d: DURATION.exec(text)?.[0] ?? null,
    m: [...new Set([...text.matchAll(METRIC)].map((m) => m[0].trim()))],
    w: WHO.exec(text)?.[0] ?? null,
    s: SCOPE.exec(text)?.[0] ?? null,
  });
  const a = scoreIn(own);
  const b = scoreIn(fallback);
  const factor = (inOwn: boolean): number => (inOwn ? 1 : 0.5);
  let fraction = 0;
  const words = wordCount(own);
  fraction += 0.15 * (words >= 15 ? 1 : words > 0 ? 0.5 : 0);
  evidence.push(own ? `impact section: ${words} words` : 'no impact section');
  const dur = a.d ?? b.d;
  if (dur) {
    fraction += 0.2 * factor(a.d !== null);
    evidence.push(`duration: "${dur}"${a.d ? '' : ' (summary only)'}`);
  } else evidence.push('no duration');
  const metrics = a.m.length > 0 ? a.m : b.m;
  if (metrics.length > 0) {
    fraction += 0.25 * factor(a.m.length > 0) * (metrics.length >= 2 ? 1 : 0.5);
    evidence.push(`numbers with units: ${metrics.slice(0, 6).join(', ')}`);
  } else evidence.push('no error-rate or latency numbers with units');
  const who = a.w ?? b.w;
  if (who) {
    fraction += 0.2 * factor(a.w !== null);
    evidence.push(`who was affected: "${who}"`);
  } else evidence.push('who was affected is not said');
  const scope = a.s ?? b.s;
  if (scope) {
    fraction += 0.2 * factor(a.s !== null);
    evidence.push(`how many: "${scope.trim()}"`);
  } else evidence.push('how many users or requests were affected is not quantified');
  const points = round1(max * fraction);
  const feedback =
    fraction >= 0.9
      ? 'Impact is quantified: how long, how bad, and for whom.'
      : `Quantify the impact: ${[!dur && 'how long', metrics.length < 2 && 'latency or error numbers with units', !who && 'which users or requests', !scope && 'how many of them'].filter(Boolean).join(', ') || 'put it in its own section'}.`;
  return { id: 'impact', title: 'Impact', points, max, evidence, feedback };
}

// ------------------------------------------------------------------ action items

function gradeActionItems(ctx: Ctx): GradeCriterion {
  const max = GRADE_WEIGHTS['action-items'];
  const evidence: string[] = [];
  const explain: string[] = [];
  const items = actionItems(ctx.doc);
  const n = items.length;
  const concrete = items.filter((i) => !i.vague);
  const typed = items.filter((i) => i.type !== null);
  const owned = items.filter((i) => i.owner !== null);
  for (const item of items)
    evidence.push(
      `"${quote(item.text, 90)}": ${item.type ? `${item.type}${item.typeExplicit ? '' : ' (inferred)'}` : 'no type'}, ${item.owner ? `owner ${item.owner}` : 'no owner'}${item.tracking ? `, tracked ${item.tracking}` : ''}${item.vague ? `, vague ("${item.vague}")` : ''}`,
    );
  const tracked = items.filter((i) => i.tracking !== null);
  let fraction = 0;
  // An inferred type counts three quarters: the reader had to guess.
  const typedCredit = items.reduce((a, i) => a + (i.type === null ? 0 : i.typeExplicit ? 1 : 0.75), 0);
  fraction += 0.15 * Math.min(1, concrete.length / 3);
  fraction += 0.15 * (n === 0 ? 0 : typedCredit / n);
  fraction += 0.2 * (n === 0 ? 0 : owned.length / n);
  fraction += 0.1 * (n === 0 ? 0 : concrete.length / n);
  fraction += 0.1 * (n === 0 ? 0 : tracked.length / n);

  const itemSentences = analyseBlocks(items.map((item, i) => ({ text: item.text, section: -1, block: i, blockType: 'list', line: 0 })));
  // Themes named only in requiredThemesByResolution count only for those outcomes.
  const conditional = new Set(Object.values(ctx.raw.requiredThemesByResolution ?? {}).flat());
  const themeHit = (id: string): ConceptHit | undefined => {
    const theme = ctx.rubric.themes.find((t) => t.id === id);
    return theme ? stated(findConcept(itemSentences, theme)) : undefined;
  };
  const themes = ctx.rubric.themes.filter((t) => !conditional.has(t.id));
  // Until the learner has named the cause, uncovered themes are counted, not named: they would give it away.
  const specific = ctx.primaryAffirmed;
  const covered = themes.filter((t) => {
    const hit = themeHit(t.id);
    if (hit) evidence.push(`an item addresses ${t.id}: "${quote(hit.sentence.text, 90)}"`);
    else if (specific) evidence.push(`no item addresses ${t.id}${t.description ? ` (${t.description})` : ''}`);
    explain.push(hit ? `theme ${t.id}: ${hit.status} via ${hit.pattern}: "${quote(hit.clause, 100)}"` : `theme ${t.id}: no item matches`);
    return hit !== undefined;
  });
  if (!specific && covered.length < themes.length)
    evidence.push(`${themes.length - covered.length} of ${themes.length} follow-ups the causes call for are not there`);
  fraction += 0.3 * (themes.length === 0 ? 1 : covered.length / themes.length);

  const required = ctx.options.resolutionId ? (ctx.raw.requiredThemesByResolution?.[ctx.options.resolutionId] ?? []) : [];
  const missingRequired = required.filter((id) => !themeHit(id));
  if (missingRequired.length > 0) {
    fraction -= 0.25 * missingRequired.length;
    evidence.push(
      specific
        ? `the run ended by "${ctx.options.resolutionId}", which leaves work to do; missing required item(s): ${missingRequired.join(', ')}`
        : `the run ended by "${ctx.options.resolutionId}", which leaves work to do that no item covers`,
    );
    explain.push(`required for ${ctx.options.resolutionId}, missing: ${missingRequired.join(', ')}`);
  }
  fraction = Math.max(0, fraction);
  const points = round1(max * fraction);
  const uncovered = themes.filter((t) => !covered.includes(t)).map((t) => t.id);
  const problems = [
    n < 3 && `at least three items (found ${n})`,
    typed.length < n && 'a type (prevent / detect / mitigate) on each',
    owned.length < n && 'an owner on each',
    tracked.length < n && 'a tracking ticket on each',
    concrete.length < n && 'concrete actions instead of "be more careful"',
    uncovered.length > 0 && (specific ? `items for ${uncovered.join(', ')}` : 'items that address the root cause'),
    missingRequired.length > 0 && `the follow-up that ${ctx.options.resolutionId} requires${specific ? ` (${missingRequired.join(', ')})` : ''}`,
  ].filter(Boolean);
  const feedback =
    problems.length === 0 ? 'Action items are concrete, typed, owned and address the causes.' : `Action items need ${problems.join('; ')}.`;
  return { id: 'action-items', title: 'Action items', points, max, evidence, feedback, ...(ctx.options.explain ? { explain } : {}) };
}

// ------------------------------------------------------------------ blameless

function gradeBlameless(ctx: Ctx): GradeCriterion {
  const max = GRADE_WEIGHTS.blameless;
  const findings = findBlame(ctx.doc.text);
  const cost = findings.reduce((a, f) => a + BLAME_COST[f.kind], 0);
  // A few lines cannot earn the whole criterion by having nothing to blame in them.
  const words = wordCount(proseOf(ctx.doc));
  const substance = Math.min(1, words / BLAMELESS_FULL_WORDS);
  const points = round1(Math.max(0, max * substance - cost));
  const evidence = findings.map((f) => `"${f.quote}" (${f.why}) → suggested: "${f.rewrite}"`);
  if (substance < 1) evidence.push(`only ${words} words: blameless credit scaled to ${Math.round(substance * 100)}%`);
  const feedback =
    findings.length === 0
      ? 'The write-up is blameless: it describes what the system allowed, not who is at fault.'
      : `Rewrite ${findings.length} blameful sentence${findings.length > 1 ? 's' : ''} to ask "what" and "how", not "who".`;
  return { id: 'blameless', title: 'Blameless', points, max, evidence, feedback };
}

// ------------------------------------------------------------------ entry point

/** Sentences of every section, each tagged with its section and block, and the sentences per section kind. */
function analyseDocument(doc: ParsedPostmortem): { all: AnalysedSentence[]; byKind: Map<SectionKind, AnalysedSentence[]>; prose: AnalysedSentence[] } {
  const blocks: TextBlock[] = [];
  let block = 0;
  doc.sections.forEach((section, index) => {
    for (const b of section.blocks) blocks.push({ text: b.text, section: index, block: block++, blockType: b.type, line: b.line });
  });
  const all = analyseBlocks(blocks);
  const byKind = new Map<SectionKind, AnalysedSentence[]>();
  for (const kind of SECTION_KINDS)
    byKind.set(
      kind,
      all.filter((s) => doc.sections[s.section]!.effective.includes(kind)),
    );
  const prose = all.filter((s) => !doc.sections[s.section]!.effective.includes('timeline') && s.blockType !== 'blockquote');
  return { all, byKind, prose };
}

function whereRootCauseCounts(ctx: Ctx): Where {
  const rc = sentencesOf(ctx, 'root-cause').filter((s) => s.blockType !== 'blockquote');
  if (rc.length > 0) return { label: 'the root-cause section', sentences: rc };
  const summary = sentencesOf(ctx, 'summary').filter((s) => s.blockType !== 'blockquote');
  if (summary.length > 0) return { label: 'the summary (there is no root-cause section)', sentences: summary };
  return { label: 'the write-up (it has no root-cause section or summary)', sentences: ctx.prose };
}

export function gradePostmortem(markdown: string, rubric: PostmortemRubric, options: GradeOptions = {}): GradeReport {
  const doc = parsePostmortem(markdown);
  const { all, byKind, prose } = analyseDocument(doc);
  const ctx: Ctx = { doc, all, prose, byKind, rubric: compileRubric(rubric), raw: rubric, options, primaryAffirmed: false };

  const where = whereRootCauseCounts(ctx);
  const rootCause = gradeRootCause({
    max: GRADE_WEIGHTS['root-cause'],
    rubric: ctx.rubric,
    where,
    prose,
    rootCauseWords: rootCauseWords(sentencesOf(ctx, 'root-cause')),
    evidence: sessionEvidence(options.events, options.signals),
    explain: options.explain === true,
  });
  ctx.primaryAffirmed = rootCause.primaryAffirmed;
  const criteria: GradeCriterion[] = [
    gradeStructure(ctx),
    rootCause.criterion,
    gradeTimeline(ctx),
    gradeImpact(ctx),
    gradeActionItems(ctx),
    gradeBlameless(ctx),
  ];
  let score = round1(criteria.reduce((a, c) => a + c.points, 0));
  if (rootCause.cap && score > ROOT_CAUSE_CAP) {
    const cut = round1(score - ROOT_CAUSE_CAP);
    criteria.push({
      id: 'root-cause-cap',
      title: 'Capped: the root cause is not established',
      points: -cut,
      max: 0,
      evidence: [rootCause.cap.names ? `${rootCause.cap.reason}; it names: "${quote(rootCause.cap.names)}"` : rootCause.cap.reason],
      feedback: `A postmortem that does not establish the root cause sends the follow-up work the wrong way, however well it is written, so the total is capped at ${ROOT_CAUSE_CAP}.`,
      ...(options.explain ? { explain: [`total ${score} capped at ${ROOT_CAUSE_CAP}: ${rootCause.cap.reason}`] } : {}),
    });
    score = ROOT_CAUSE_CAP;
  }
  return { score, max: 100, band: bandOf(score).id, criteria };
}

/** The strongest statement of a concept in some text, for tools that check a single sentence. */
export function statesConcept(text: string, rubric: PostmortemRubric, id: string): ConceptHit | undefined {
  const compiled = compileRubric(rubric);
  const concept = [compiled.primary, ...compiled.secondary, ...compiled.wrong, ...compiled.mustMention, ...compiled.themes].find((c) => c.id === id);
  if (!concept) return undefined;
  return strongest(findConcept(analyseBlocks([{ text, section: 0, block: 0, blockType: 'paragraph', line: 1 }]), concept));
}
