/**
 * The root-cause criterion and the cap. Where it counts is the root-cause section (or the summary when there is
 * none, or the whole write-up when it has neither). The primary cause must be AFFIRMED there; when it is not,
 * whatever the section names instead (a listed wrong cause, an unlisted one, or nothing), the total is capped.
 * The learner's feedback then cites their own session's evidence, never the rubric's answer; the trainer's
 * explanation (--explain) shows every clause read and why each concept did or did not count.
 */
import type { GradeCriterion } from '../types.js';
import { quote, wordCount } from '../text.js';
import { clauseText, type AnalysedSentence } from './assertions.js';
import { findConcept, strongest, type CompiledConcept, type ConceptHit } from './concepts.js';
import type { CompiledRubric } from './rubric.js';
import { describeEvidence, type SessionEvidence } from './session-evidence.js';

export interface Where {
  /** What was read: "the root-cause section", "the summary (no root-cause section)", ... */
  label: string;
  sentences: AnalysedSentence[];
}

export interface RootCauseResult {
  criterion: GradeCriterion;
  /** Set when the total must be capped: why, in a sentence, and what the section names instead. */
  cap: { reason: string; names: string | null } | null;
  primaryAffirmed: boolean;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Share of the criterion each part is worth (renormalised over the parts a rubric has). */
export const ROOT_CAUSE_PARTS = { primary: 0.4, chain: 0.35, trigger: 0.1, mentions: 0.1, depth: 0.05 } as const;
/** A root-cause criterion whose primary cause is not established keeps at most this share. */
export const UNESTABLISHED_SHARE = 0.15;
/** A listed wrong cause affirmed next to the right one costs this share of the concept credit. */
const MIXED_FACTOR = 0.75;

const CAUSE_MARKERS = new Set(['caus', 'culprit', 'reason', 'blame', 'respons']);

function statusLabel(h: ConceptHit): string {
  return h.status === 'affirmed' ? 'affirmed' : `${h.status}${h.why ? ` (${h.why})` : ''}`;
}

function describeHit(h: ConceptHit, where: string): string {
  return `${h.concept} via ${h.pattern} in ${where}, line ${h.sentence.line}: ${statusLabel(h)}: "${quote(h.clause, 140)}" [matched: ${h.words.join(', ')}]`;
}

/** Affirmed clauses that state a cause ("the root cause was ...", "caused by ...", "due to ..."). */
function causeClaims(sentences: readonly AnalysedSentence[]): { sentence: AnalysedSentence; text: string }[] {
  const out: { sentence: AnalysedSentence; text: string }[] = [];
  for (const s of sentences)
    for (const c of s.clauses) {
      if (c.status !== 'affirmed') continue;
      const tokens = s.tokens.slice(c.from, c.to);
      const marked = tokens.some(
        (t, i) => CAUSE_MARKERS.has(t.stem) || (t.raw === 'due' && tokens[i + 1]?.raw === 'to') || (t.raw === 'because' && tokens[i + 1]?.raw === 'of'),
      );
      if (marked) out.push({ sentence: s, text: clauseText(s, c) });
    }
  return out;
}

interface ConceptReading {
  concept: CompiledConcept;
  inWhere: ConceptHit[];
  elsewhere: ConceptHit[];
  credit: number;
  state: 'affirmed' | 'hedged' | 'elsewhere' | 'denied' | 'absent';
}

function read(concept: CompiledConcept, where: Where, rest: AnalysedSentence[], elsewhereCredit: number): ConceptReading {
  const inWhere = findConcept(where.sentences, concept);
  const elsewhere = findConcept(rest, concept);
  const here = strongest(inWhere);
  const there = strongest(elsewhere);
  if (here?.status === 'affirmed') return { concept, inWhere, elsewhere, credit: 1, state: 'affirmed' };
  if (here?.status === 'hedged') return { concept, inWhere, elsewhere, credit: 0.5, state: 'hedged' };
  if (there?.status === 'affirmed') return { concept, inWhere, elsewhere, credit: elsewhereCredit, state: 'elsewhere' };
  if (there?.status === 'hedged') return { concept, inWhere, elsewhere, credit: elsewhereCredit / 2, state: 'elsewhere' };
  if (here || there) return { concept, inWhere, elsewhere, credit: 0, state: 'denied' };
  return { concept, inWhere, elsewhere, credit: 0, state: 'absent' };
}

export function gradeRootCause(input: {
  max: number;
  rubric: CompiledRubric;
  where: Where;
  /** Every sentence of the analysis (all sections but the timeline). */
  prose: AnalysedSentence[];
  rootCauseWords: number;
  evidence: SessionEvidence;
  explain: boolean;
}): RootCauseResult {
  const { max, rubric, where, prose } = input;
  const rest = prose.filter((s) => !where.sentences.includes(s));
  const explain: string[] = [];
  const evidence: string[] = [];

  if (input.explain) {
    explain.push(`read ${where.label}: ${where.sentences.length} sentences`);
    for (const s of where.sentences)
      for (const c of s.clauses)
        explain.push(`  line ${s.line} [${c.status}${c.why ? `: ${c.why}` : ''}] "${quote(clauseText(s, c), 140)}"`);
  }

  const primary = read(rubric.primary, where, rest, 0.3);
  const chain = rubric.secondary.map((c) => read(c, where, rest, 0.5));
  const wrongHits = rubric.wrong.flatMap((w) => findConcept(where.sentences, w)).filter((h) => h.status === 'affirmed');

  // The primary cause is established when affirmed where it counts; a guess counts only if nothing else is claimed.
  // A claim that is itself the primary cause's clause ("the root cause was the missing index") is not another claim.
  const otherClaims = causeClaims(where.sentences).filter(
    (claim) =>
      !primary.inWhere.some(
        (h) => h.sentence === claim.sentence && (h.status === 'affirmed' || h.status === 'hedged') && (h.clause.includes(claim.text) || claim.text.includes(h.clause)),
      ),
  );
  // Or: the section affirms a deeper link of the chain (why the primary cause could happen) and the write-up
  // affirms the primary cause elsewhere (the summary): the section then explains the right cause, one level down.
  const deeper = primary.state === 'elsewhere' && primary.credit > 0 && chain.some((c) => c.state === 'affirmed');
  if (deeper) primary.credit = 0.8;
  const established =
    primary.state === 'affirmed' || deeper || (primary.state === 'hedged' && wrongHits.length === 0 && otherClaims.length === 0);

  const parts: { weight: number; score: number }[] = [];
  let conceptCredit = primary.credit;
  if (wrongHits.length > 0 && established) conceptCredit *= MIXED_FACTOR;
  parts.push({ weight: ROOT_CAUSE_PARTS.primary, score: conceptCredit });
  const chainScore = chain.length === 0 ? primary.credit : chain.reduce((a, c) => a + c.credit, 0) / chain.length;
  parts.push({ weight: ROOT_CAUSE_PARTS.chain, score: chainScore * (wrongHits.length > 0 && established ? MIXED_FACTOR : 1) });

  let triggerHit: ConceptHit | undefined;
  if (rubric.trigger) {
    triggerHit = strongest(findConcept(prose, rubric.trigger));
    const score = triggerHit?.status === 'affirmed' ? 1 : triggerHit?.status === 'hedged' ? 0.5 : 0;
    parts.push({ weight: ROOT_CAUSE_PARTS.trigger, score });
  }
  const mentions = rubric.mustMention.map((m) => ({ concept: m, hit: strongest(findConcept(prose, m)) }));
  if (mentions.length > 0) {
    const score = mentions.reduce((a, m) => a + (m.hit?.status === 'affirmed' ? 1 : m.hit?.status === 'hedged' ? 0.5 : 0), 0) / mentions.length;
    parts.push({ weight: ROOT_CAUSE_PARTS.mentions, score });
  }
  const depth = input.rootCauseWords >= 40 ? 1 : input.rootCauseWords >= 15 ? 0.5 : 0;
  parts.push({ weight: ROOT_CAUSE_PARTS.depth, score: depth });

  const total = parts.reduce((a, p) => a + p.weight, 0);
  let fraction = parts.reduce((a, p) => a + p.weight * p.score, 0) / total;
  if (!established) fraction = Math.min(fraction, UNESTABLISHED_SHARE);
  const points = round1(max * fraction);

  // What the section names instead, in the learner's words.
  const names = wrongHits[0]?.clause ?? otherClaims[0]?.text ?? where.sentences.find((s) => s.clauses.some((c) => c.status === 'affirmed'))?.text ?? null;

  // Learner-facing evidence: their own sentences, never the rubric's answer.
  const primaryHit = strongest(primary.inWhere) ?? strongest(primary.elsewhere);
  if (established && primaryHit) {
    evidence.push(
      deeper
        ? `the root cause is stated outside ${where.label} ("${quote(primaryHit.clause)}"); the section explains the chain behind it`
        : primary.state === 'affirmed'
        ? `the root cause is stated in ${where.label}: "${quote(primaryHit.clause)}"`
        : `the root cause is stated only as a guess (${primaryHit.why ?? 'hedged'}): "${quote(primaryHit.clause)}"`,
    );
    for (const c of chain) {
      const hit = strongest(c.inWhere.filter((h) => h.status === 'affirmed')) ?? strongest(c.elsewhere.filter((h) => h.status === 'affirmed'));
      const what = c.concept.description ?? c.concept.id;
      if (c.state === 'affirmed' && hit) evidence.push(`the causal chain goes deeper: "${quote(hit.clause)}"`);
      else if (c.state === 'elsewhere' && hit) evidence.push(`stated only outside ${where.label}: "${quote(hit.clause)}"`);
      else evidence.push(`not explained: ${what}`);
    }
    for (const w of wrongHits) evidence.push(`also blames something the session's evidence does not support: "${quote(w.clause)}"`);
  } else {
    evidence.push(names ? `${where.label} names: "${quote(names)}"` : `${where.label} names no cause`);
  }
  if (rubric.trigger)
    evidence.push(triggerHit?.status === 'affirmed' ? `trigger named: "${quote(triggerHit.clause, 100)}"` : 'the trigger (the change that set it off) is not named');
  evidence.push(`${where.label}: ${input.rootCauseWords} words`);

  const missingChain = chain.filter((c) => c.state !== 'affirmed');
  const feedback = !established
    ? `The root-cause section does not establish a cause the session's evidence supports. ${describeEvidence(input.evidence)} State the cause that evidence shows in the root-cause section.`
    : wrongHits.length > 0
      ? 'The root cause is stated, but mixed with a cause the evidence does not support; remove it or say why it is not the cause.'
      : primary.state === 'hedged'
        ? 'The root cause is there, but only as a guess: state it as a finding, with the evidence that shows it.'
        : missingChain.length > 0
          ? `Go one level deeper in the root-cause section: ${missingChain.map((c) => c.concept.description ?? c.concept.id).join('; ')}.`
          : 'The root cause and the chain behind it are stated clearly, where reviewers look for them.';

  if (input.explain) {
    const dump = (label: string, r: ConceptReading): void => {
      explain.push(`${label} ${r.concept.id}: ${r.state}, credit ${r.credit}`);
      for (const h of r.inWhere) explain.push(`  ${describeHit(h, where.label)}`);
      for (const h of r.elsewhere) explain.push(`  ${describeHit(h, `section #${h.sentence.section}`)}`);
      if (r.inWhere.length + r.elsewhere.length === 0) explain.push(`  no pattern matched (${r.concept.patterns.map((p) => p.source).join(' ; ').slice(0, 200)})`);
    };
    dump('primary cause', primary);
    for (const c of chain) dump('causal chain', c);
    for (const w of rubric.wrong)
      for (const h of findConcept(where.sentences, w)) explain.push(`listed wrong cause ${describeHit(h, where.label)}`);
    for (const c of otherClaims) explain.push(`other cause claimed (affirmed, line ${c.sentence.line}): "${quote(c.text, 140)}"`);
    if (triggerHit) explain.push(`trigger: ${describeHit(triggerHit, `line ${triggerHit.sentence.line}`)}`);
    for (const m of mentions) explain.push(`must mention ${m.concept.id}: ${m.hit ? describeHit(m.hit, `line ${m.hit.sentence.line}`) : 'not found'}`);
    explain.push(
      `parts: ${parts.map((p) => `${p.weight}×${round1(p.score * 100) / 100}`).join(' + ')} → ${round1(fraction * 100)}%${established ? '' : ` (primary cause not established: at most ${UNESTABLISHED_SHARE * 100}%)`}`,
    );
    if (!established)
      explain.push(
        `CAP: the primary cause (${rubric.primary.id}) is ${primary.state === 'hedged' ? 'only hedged while another cause is claimed' : primary.state === 'denied' ? 'mentioned only as denied, dismissed or superseded' : primary.state === 'elsewhere' ? 'affirmed only outside ' + where.label : 'not stated'} in ${where.label}${names ? `; it names instead: "${quote(names, 140)}"` : ''}`,
      );
  }

  return {
    criterion: { id: 'root-cause', title: 'Root cause', points, max, evidence, feedback, ...(input.explain ? { explain } : {}) },
    cap: established
      ? null
      : {
          reason: `the root cause is not established in ${where.label}${primary.state === 'hedged' ? ' (a guess next to another claimed cause)' : ''}`,
          names,
        },
    primaryAffirmed: established,
  };
}

export function rootCauseWords(sentences: readonly AnalysedSentence[]): number {
  return sentences.reduce((a, s) => a + wordCount(s.text), 0);
}
