import type { RunEvent } from '../../engine/events/types.js';
import type { GradeCriterion, GradeReport, PhraseConcept, PostmortemRubric } from '../types.js';
import { analyse, findPhrases, quote, wordCount, type PhraseHit, type Sentence } from '../text.js';
import { actionItems } from './action-items.js';
import { findBlame } from './blameless.js';
import {
  parsePostmortem,
  SECTION_KINDS,
  SECTION_TITLES,
  sectionsOf,
  proseOf,
  textOf,
  type ParsedPostmortem,
  type SectionKind,
} from './parse.js';
import { chronologicalFraction, matchMoments, timelineEntries, type MomentId } from './timeline.js';

export { parsePostmortem, classifyHeading } from './parse.js';
export { findBlame } from './blameless.js';
export { actionItems } from './action-items.js';
export { matchMoments, timelineEntries, parseWrittenTime, momentsOf } from './timeline.js';

export interface GradeOptions {
  events?: RunEvent[] | undefined;
  /** The resolution the run reached (for `requiredThemesByResolution`). */
  resolutionId?: string | undefined;
  /** IANA zone for clock times besides UTC; default the runner's zone. */
  timeZone?: string | undefined;
  /** Tolerance for timeline times, seconds (default 120). */
  toleranceSeconds?: number | undefined;
}

/** Points per criterion; they sum to 100. */
export const GRADE_WEIGHTS = {
  structure: 10,
  'root-cause': 25,
  timeline: 15,
  impact: 10,
  'action-items': 20,
  blameless: 20,
} as const;

/** A write-up that confidently names a wrong root cause cannot pass: its total is capped here. */
export const WRONG_ROOT_CAUSE_CAP = 40;
/** Words a write-up needs before "no blame found" is worth the whole blameless criterion. */
const BLAMELESS_FULL_WORDS = 250;

const round1 = (n: number): number => Math.round(n * 10) / 10;

interface Ctx {
  doc: ParsedPostmortem;
  all: Sentence[];
  /** Everything but the timeline: the draft pre-fills it with the learner's own commands, which are not an analysis. */
  prose: Sentence[];
  byKind: Map<SectionKind, Sentence[]>;
  rubric: PostmortemRubric;
  options: GradeOptions;
}

function sentencesOf(ctx: Ctx, kind: SectionKind): Sentence[] {
  return ctx.byKind.get(kind) ?? [];
}

function affirmative(hits: PhraseHit[]): PhraseHit | undefined {
  return hits.find((h) => !h.negated);
}

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
    const headings = (own.length > 0 ? own : sections)
      .map((s) => `"${s.heading}" (line ${s.line})`)
      .join(', ');
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

// ------------------------------------------------------------------ root cause

interface RootCauseResult {
  criterion: GradeCriterion;
  wrong: { id: string; hit: PhraseHit } | null;
  /** A wrong cause asserted with none of the right ones in the root-cause section. */
  confidentlyWrong: boolean;
}

function conceptCredit(ctx: Ctx, concept: PhraseConcept): { credit: number; evidence: string } {
  const inSection = findPhrases(sentencesOf(ctx, 'root-cause'), concept.phrases);
  const hit = affirmative(inSection);
  if (hit)
    return {
      credit: 1,
      evidence: `root cause "${concept.id}" stated in the root-cause section: "${quote(hit.sentence)}"`,
    };
  const elsewhere = findPhrases(ctx.prose, concept.phrases);
  const other = elsewhere.find((h) => !h.negated && !h.hedged) ?? affirmative(elsewhere);
  if (other)
    return {
      credit: 0.5,
      evidence: `root cause "${concept.id}" only outside the root-cause section: "${quote(other.sentence)}"`,
    };
  const negated = [...inSection, ...elsewhere].find((h) => h.negated);
  if (negated)
    return {
      credit: 0,
      evidence: `root cause "${concept.id}" mentioned only as negated: "${quote(negated.sentence)}"`,
    };
  return {
    credit: 0,
    evidence: `root cause "${concept.id}" not stated (${concept.description ?? concept.phrases.slice(0, 3).join(' / ')})`,
  };
}

function gradeRootCause(ctx: Ctx): RootCauseResult {
  const max = GRADE_WEIGHTS['root-cause'];
  const { rubric } = ctx;
  const evidence: string[] = [];
  const parts: { weight: number; score: number }[] = [];

  const concepts = rubric.rootCause.map((c) => conceptCredit(ctx, c));
  concepts.forEach((c) => evidence.push(c.evidence));
  let conceptScore = concepts.length === 0 ? 1 : concepts.reduce((a, c) => a + c.credit, 0) / concepts.length;
  const conceptInSection = concepts.some((c) => c.credit === 1);

  // A wrong cause asserted (not negated, not hedged) where the root cause is written.
  const rcSentences = [...sentencesOf(ctx, 'root-cause'), ...sentencesOf(ctx, 'trigger')];
  let wrong: RootCauseResult['wrong'] = null;
  for (const w of rubric.wrongRootCauses ?? []) {
    const hit = findPhrases(rcSentences, w.phrases).find((h) => !h.negated && !h.hedged);
    if (hit && !wrong) wrong = { id: w.id, hit };
  }
  if (wrong) {
    evidence.push(`wrong root cause "${wrong.id}" asserted: "${quote(wrong.hit.sentence)}"`);
    conceptScore = conceptInSection ? conceptScore * 0.75 : 0;
  }
  parts.push({ weight: 0.6, score: conceptScore });

  if (rubric.trigger) {
    const hit = affirmative(findPhrases(ctx.prose, rubric.trigger.phrases));
    parts.push({ weight: 0.15, score: hit ? 1 : 0 });
    evidence.push(
      hit
        ? `trigger named: "${quote(hit.sentence)}"`
        : `trigger not named (${rubric.trigger.phrases.slice(0, 3).join(' / ')})`,
    );
  }
  const must = rubric.mustMention ?? [];
  if (must.length > 0) {
    let found = 0;
    for (const m of must) {
      const hit = affirmative(findPhrases(ctx.prose, m.phrases));
      if (hit) found += 1;
      evidence.push(hit ? `mentions ${m.id}: "${quote(hit.sentence)}"` : `does not mention ${m.id}`);
    }
    parts.push({ weight: 0.15, score: found / must.length });
  }
  const depthWords = wordCount(textOf(ctx.doc, 'root-cause'));
  parts.push({ weight: 0.1, score: depthWords >= 40 ? 1 : depthWords >= 15 ? 0.5 : 0 });
  evidence.push(`root-cause section: ${depthWords} words`);

  const total = parts.reduce((a, p) => a + p.weight, 0);
  let fraction = parts.reduce((a, p) => a + p.weight * p.score, 0) / total;
  if (wrong && !conceptInSection) fraction = Math.min(fraction, 0.15);
  const points = round1(max * fraction);
  const missingConcepts = rubric.rootCause.filter((_, i) => concepts[i]!.credit < 1).map((c) => c.id);
  const feedback =
    wrong && !conceptInSection
      ? `The root-cause section blames ${wrong.id}, which the run's evidence contradicts; revisit what actually made the queries slow.`
      : missingConcepts.length === 0
        ? wrong
          ? `The right root cause is stated, but it is mixed with ${wrong.id}, which the evidence does not support.`
          : 'The root cause is stated clearly and where reviewers look for it.'
        : `State ${missingConcepts.join(', ')} explicitly in the root-cause section, not only in passing.`;
  return {
    criterion: { id: 'root-cause', title: 'Root cause', points, max, evidence, feedback },
    wrong,
    confidentlyWrong: wrong !== null && !conceptInSection,
  };
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
    evidence.push(
      `no event log: checked presence and order only; moments named: ${found.map(([id]) => id).join(', ') || 'none'}`,
    );
    parts.push({ weight: 0.35, score: Math.min(1, entries.length / 5) });
    parts.push({ weight: 0.35, score: found.length / keywordMoments.length });
  }
  parts.push({ weight: 0.15, score: entries.length >= 2 ? order.fraction : 0 });
  for (const e of order.outOfOrder) evidence.push(`out of order: "${quote(e.text, 100)}"`);

  if (ctx.rubric.detection) {
    const hit = affirmative(findPhrases(ctx.all, ctx.rubric.detection.phrases));
    parts.push({ weight: 0.15, score: hit ? 1 : 0 });
    evidence.push(
      hit
        ? `detection named: "${quote(hit.sentence, 100)}"`
        : `how it was detected (${ctx.rubric.detection.phrases[0]}) is not named`,
    );
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
const METRIC =
  /\b\d[\d,.]*\s*(ms|milliseconds?|s|seconds|%|percent|rps|req\/s|requests?(\/s| per second)?|errors?|timeouts?|x|times|orders?|users?|customers?|sessions?|checkouts?|calls?)\b|\bp(50|90|95|99)\b/gi;
const WHO =
  /\b(users?|customers?|shoppers?|buyers?|merchants?|clients?|visitors?|tenants?|consumers?|callers?|partners?|requests?)\b/i;
/** How many were affected: a share or a count of requests/users, or "all/every ...". */
const SCOPE =
  /\b\d[\d,.]*\s*(%|percent)\s*(of\s+)?(\w+\s+){0,2}(requests?|users?|customers?|checkouts?|orders?|calls?|sessions?|traffic)\b|(≈|~|about|around|roughly)?\s*\b\d[\d,.]*\s+(\w+\s+)?(requests?|users?|customers?|checkouts?|orders?|calls?|sessions?)\b|\b(all|every)\s+(\w+\s+)?(users?|customers?|requests?|checkouts?|shoppers?|calls?)\b/i;

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

  const itemSentences = analyse(items.map((i) => i.text).join('\n'));
  // Themes named only in requiredThemesByResolution count only for those outcomes.
  const conditional = new Set(Object.values(ctx.rubric.requiredThemesByResolution ?? {}).flat());
  const allThemes = ctx.rubric.actionItemThemes ?? [];
  const themes = allThemes.filter((t) => !conditional.has(t.id));
  const covered = themes.filter((t) => {
    const hit = affirmative(findPhrases(itemSentences, t.phrases));
    evidence.push(
      hit
        ? `theme ${t.id} covered: "${quote(hit.sentence, 90)}"`
        : `theme ${t.id} not covered (${t.description ?? t.phrases.slice(0, 3).join(' / ')})`,
    );
    return hit !== undefined;
  });
  fraction += 0.3 * (themes.length === 0 ? 1 : covered.length / themes.length);

  const missingRequired: string[] = [];
  const required = ctx.options.resolutionId
    ? (ctx.rubric.requiredThemesByResolution?.[ctx.options.resolutionId] ?? [])
    : [];
  for (const id of required) {
    const theme = allThemes.find((t) => t.id === id);
    const phrases = theme ? theme.phrases : [id];
    if (!affirmative(findPhrases(itemSentences, phrases))) missingRequired.push(id);
  }
  if (missingRequired.length > 0) {
    fraction -= 0.25 * missingRequired.length;
    evidence.push(
      `the run ended by "${ctx.options.resolutionId}", which leaves work to do; missing required item(s): ${missingRequired.join(', ')}`,
    );
  }
  fraction = Math.max(0, fraction);
  const points = round1(max * fraction);
  const problems = [
    n < 3 && `at least three items (found ${n})`,
    typed.length < n && 'a type (prevent / detect / mitigate) on each',
    owned.length < n && 'an owner on each',
    tracked.length < n && 'a tracking ticket on each',
    concrete.length < n && 'concrete actions instead of "be more careful"',
    covered.length < themes.length &&
      `items for ${themes
        .filter((t) => !covered.includes(t))
        .map((t) => t.id)
        .join(', ')}`,
    missingRequired.length > 0 &&
      `the follow-up that ${ctx.options.resolutionId} requires (${missingRequired.join(', ')})`,
  ].filter(Boolean);
  const feedback =
    problems.length === 0
      ? 'Action items are concrete, typed, owned and address the causes.'
      : `Action items need ${problems.join('; ')}.`;
  return { id: 'action-items', title: 'Action items', points, max, evidence, feedback };
}

// ------------------------------------------------------------------ blameless

function gradeBlameless(ctx: Ctx): GradeCriterion {
  const max = GRADE_WEIGHTS.blameless;
  const findings = findBlame(ctx.doc.text);
  const cost = findings.reduce((a, f) => a + (f.kind === 'judgement' ? 3 : 5), 0);
  // A few lines cannot earn the whole criterion by having nothing to blame in them.
  const words = wordCount(proseOf(ctx.doc));
  const substance = Math.min(1, words / BLAMELESS_FULL_WORDS);
  const points = round1(Math.max(0, max * substance - cost));
  const evidence = findings.map((f) => `"${f.quote}" (${f.why}) → suggested: "${f.rewrite}"`);
  if (substance < 1)
    evidence.push(`only ${words} words: blameless credit scaled to ${Math.round(substance * 100)}%`);
  const feedback =
    findings.length === 0
      ? 'The write-up is blameless: it describes what the system allowed, not who is at fault.'
      : `Rewrite ${findings.length} blameful sentence${findings.length > 1 ? 's' : ''} to ask "what" and "how", not "who".`;
  return { id: 'blameless', title: 'Blameless', points, max, evidence, feedback };
}

// ------------------------------------------------------------------ entry point

export function gradePostmortem(
  markdown: string,
  rubric: PostmortemRubric,
  options: GradeOptions = {},
): GradeReport {
  const doc = parsePostmortem(markdown);
  const byKind = new Map<SectionKind, Sentence[]>();
  for (const kind of SECTION_KINDS) byKind.set(kind, analyse(textOf(doc, kind)));
  const ctx: Ctx = { doc, all: analyse(doc.text), prose: analyse(proseOf(doc)), byKind, rubric, options };

  const rootCause = gradeRootCause(ctx);
  const criteria: GradeCriterion[] = [
    gradeStructure(ctx),
    rootCause.criterion,
    gradeTimeline(ctx),
    gradeImpact(ctx),
    gradeActionItems(ctx),
    gradeBlameless(ctx),
  ];
  let score = round1(criteria.reduce((a, c) => a + c.points, 0));
  if (rootCause.wrong && rootCause.confidentlyWrong && score > WRONG_ROOT_CAUSE_CAP) {
    const cut = round1(score - WRONG_ROOT_CAUSE_CAP);
    criteria.push({
      id: 'wrong-root-cause',
      title: 'Conclusions rest on a wrong root cause',
      points: -cut,
      max: 0,
      evidence: [`"${quote(rootCause.wrong.hit.sentence)}" (${rootCause.wrong.id})`],
      feedback: `A postmortem that names the wrong root cause sends the follow-up work the wrong way, so the total is capped at ${WRONG_ROOT_CAUSE_CAP}.`,
    });
    score = WRONG_ROOT_CAUSE_CAP;
  }
  return { score, max: 100, criteria };
}
