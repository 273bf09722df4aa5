/**
 * Rubric concepts: a cause (or theme, trigger, ...) described as term groups that must occur close together in
 * one clause, e.g. `[index|lookup structure, missing|absent|never created]`. Terms are stemmed ("scanned" finds
 * "scan"), may span a few words in order ("never created" finds "never actually created"), and take the
 * synonyms a trainer lists in the rubric. `phrases` still work: each phrase is a pattern whose content words
 * must all occur, in any order, within a short window.
 *
 * A hit carries the assertion status of its words (assertions.ts). A negation word inside a matched term
 * ("no index", "never applied") is part of the concept, not a denial of it.
 */
import { STOPWORDS, lex } from '../text.js';
import { STATUS_RANK, clauseText, type AnalysedSentence, type Status } from './assertions.js';

/** A group of interchangeable terms: "index|lookup structure" or [index, lookup structure]. */
export type TermGroupSpec = string | string[];
export type PatternSpec = TermGroupSpec[] | { all: TermGroupSpec[]; near?: number | undefined };

export interface ConceptSpec {
  id?: string | undefined;
  description?: string | undefined;
  match?: PatternSpec[] | undefined;
  phrases?: string[] | undefined;
  near?: number | undefined;
}

export interface Term {
  source: string;
  /** Stems, in order. */
  words: string[];
}

export interface CompiledPattern {
  /** As a trainer reads it: "[index|lookup] near [missing|absent]". */
  source: string;
  groups: Term[][];
  near: number;
}

export interface CompiledConcept {
  id: string;
  description?: string | undefined;
  patterns: CompiledPattern[];
}

/** Tokens the first and last matched words of a pattern may span. */
export const DEFAULT_NEAR = 10;
/** Words that may stand between two words of one term ("not applied" finds "not yet been applied"). */
const TERM_GAP = 3;
const CUE_WORDS = new Set(['not', 'no', 'never', 'nor', 'neither', 'without', 'none', 'nothing', 'nobody']);

function termStems(text: string): string[] {
  const words = lex(text).filter((l) => l.kind === 'word');
  const content = words.filter((w) => !STOPWORDS.has(w.raw) || CUE_WORDS.has(w.raw));
  // "not there" is not "not": a term that would keep only its negation keeps all its words.
  const meaningful = content.some((w) => !CUE_WORDS.has(w.raw));
  return (meaningful || content.length === words.length ? content : words).map((w) => w.stem);
}

const keyOf = (text: string): string => termStems(text).join(' ');

/** Synonym sets from the rubric: every member of a set stands for every other. */
export function synonymIndex(synonyms: Record<string, string[]> | undefined): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const [head, list] of Object.entries(synonyms ?? {})) {
    const members = [head, ...list];
    for (const m of members) {
      const key = keyOf(m);
      index.set(key, [...new Set([...(index.get(key) ?? []), ...members.filter((x) => keyOf(x) !== key)])]);
    }
  }
  return index;
}

function groupTerms(group: TermGroupSpec, synonyms: Map<string, string[]>): Term[] {
  const alternatives = (Array.isArray(group) ? group : group.split('|')).map((s) => s.trim()).filter((s) => s !== '');
  const terms: Term[] = [];
  const seen = new Set<string>();
  for (const alt of alternatives.flatMap((a) => [a, ...(synonyms.get(keyOf(a)) ?? [])])) {
    const words = termStems(alt);
    const key = words.join(' ');
    if (words.length === 0 || seen.has(key)) continue;
    seen.add(key);
    terms.push({ source: alt, words });
  }
  return terms;
}

const groupSource = (group: TermGroupSpec): string => `[${(Array.isArray(group) ? group : group.split('|')).map((s) => s.trim()).join('|')}]`;

export function compileConcept(spec: ConceptSpec, synonyms: Map<string, string[]> = new Map(), id = spec.id ?? 'concept'): CompiledConcept {
  const patterns: CompiledPattern[] = [];
  for (const p of spec.match ?? []) {
    const groups = Array.isArray(p) ? p : p.all;
    const near = (Array.isArray(p) ? undefined : p.near) ?? spec.near ?? DEFAULT_NEAR;
    const compiled = groups.map((g) => groupTerms(g, synonyms)).filter((g) => g.length > 0);
    if (compiled.length > 0) patterns.push({ source: groups.map(groupSource).join(' near '), groups: compiled, near });
  }
  for (const phrase of spec.phrases ?? []) {
    const words = termStems(phrase);
    if (words.length === 0) continue;
    // A phrase: every content word, any order, within a window that grows with the phrase.
    const unique = [...new Set(words)];
    patterns.push({
      source: `"${phrase}"`,
      groups: unique.map((w) => [{ source: w, words: [w] }]),
      near: 2 * unique.length + 4,
    });
  }
  return { id, description: spec.description, patterns };
}

export interface ConceptHit {
  concept: string;
  pattern: string;
  status: Status;
  /** Why the hit is not affirmed. */
  why?: string;
  sentence: AnalysedSentence;
  /** The clause(s) the matched words stand in, as written. */
  clause: string;
  /** The words that matched, as written. */
  words: string[];
}

interface Occurrence {
  from: number;
  to: number;
  positions: number[];
}

const stemIndex = new WeakMap<AnalysedSentence, Map<string, number[]>>();

function positionsOf(s: AnalysedSentence, stem: string): number[] {
  let index = stemIndex.get(s);
  if (!index) {
    index = new Map();
    for (const t of s.tokens) {
      if (t.idiom) continue;
      const list = index.get(t.stem);
      if (list) list.push(t.index);
      else index.set(t.stem, [t.index]);
    }
    stemIndex.set(s, index);
  }
  return index.get(stem) ?? [];
}

/** Index of the first element of an ascending list greater than `value`. */
function firstAfter(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function occurrences(s: AnalysedSentence, term: Term): Occurrence[] {
  const out: Occurrence[] = [];
  for (const first of positionsOf(s, term.words[0]!)) {
    const positions = [first];
    let ok = true;
    for (let k = 1; k < term.words.length && ok; k++) {
      const last = positions[positions.length - 1]!;
      // Positions are ascending: start at the first one after `last` (binary search), look at most TERM_GAP + 1 ahead.
      const candidates = positionsOf(s, term.words[k]!);
      let next: number | undefined;
      for (let i = firstAfter(candidates, last); i < candidates.length && candidates[i]! <= last + 1 + TERM_GAP; i++) {
        if (s.tokens[candidates[i]!]!.segment === s.tokens[first]!.segment) {
          next = candidates[i]!;
          break;
        }
      }
      if (next === undefined) ok = false;
      else positions.push(next);
    }
    if (ok) out.push({ from: first, to: positions[positions.length - 1]!, positions });
  }
  return out;
}

function judge(s: AnalysedSentence, chosen: Occurrence[]): { status: Status; why?: string } {
  const positions = chosen.flatMap((o) => o.positions);
  const consumed = new Set(positions.filter((p) => s.tokens[p]!.cue === 'neg'));
  let status: Status = 'affirmed';
  let why: string | undefined;
  const worse = (candidate: Status, reason: string | undefined): void => {
    if (STATUS_RANK[candidate] < STATUS_RANK[status]) {
      status = candidate;
      why = reason;
    }
  };
  for (const p of positions) {
    const t = s.tokens[p]!;
    const clause = s.clauses[t.clause]!;
    if (clause.status !== 'affirmed') worse(clause.status, clause.why);
    if (t.negatedBy >= 0 && !consumed.has(t.negatedBy)) {
      const cue = s.tokens[t.negatedBy]!;
      worse('negated', `"${t.raw}" is in the scope of "${cue.raw}": "${clauseText(s, s.clauses[cue.clause]!)}"`);
    }
  }
  return why === undefined ? { status } : { status, why };
}

/** Cartesian product of the groups' occurrences, per segment, capped (a sentence rarely repeats a term). */
function* combinations(lists: Occurrence[][], cap = 256): Generator<Occurrence[]> {
  let count = 0;
  const pick: Occurrence[] = [];
  function* walk(i: number): Generator<Occurrence[]> {
    if (count >= cap) return;
    if (i === lists.length) {
      count += 1;
      yield [...pick];
      return;
    }
    for (const o of lists[i]!) {
      pick.push(o);
      yield* walk(i + 1);
      pick.pop();
    }
  }
  yield* walk(0);
}

function matchPattern(s: AnalysedSentence, pattern: CompiledPattern): { chosen: Occurrence[]; status: Status; why?: string } | null {
  const perGroup = pattern.groups.map((group) => group.flatMap((term) => occurrences(s, term)));
  if (perGroup.some((list) => list.length === 0)) return null;
  let best: { chosen: Occurrence[]; status: Status; why?: string; span: number } | null = null;
  const segments = new Set(perGroup[0]!.map((o) => s.tokens[o.from]!.segment));
  for (const segment of segments) {
    const lists = perGroup.map((list) => list.filter((o) => s.tokens[o.from]!.segment === segment));
    if (lists.some((l) => l.length === 0)) continue;
    for (const chosen of combinations(lists)) {
      const from = Math.min(...chosen.map((o) => o.from));
      const to = Math.max(...chosen.map((o) => o.to));
      if (to - from > pattern.near) continue;
      // Two groups may not claim the same word ("index" is not both the thing and its absence).
      const all = chosen.flatMap((o) => o.positions);
      if (new Set(all).size !== all.length) continue;
      const verdict = judge(s, chosen);
      const span = to - from;
      if (!best || STATUS_RANK[verdict.status] > STATUS_RANK[best.status] || (STATUS_RANK[verdict.status] === STATUS_RANK[best.status] && span < best.span))
        best = { chosen, ...verdict, span };
    }
  }
  return best;
}

/** The best hit of the concept in each sentence (affirmed over hedged over denied), in document order. */
export function findConcept(sentences: readonly AnalysedSentence[], concept: CompiledConcept): ConceptHit[] {
  const hits: ConceptHit[] = [];
  for (const s of sentences) {
    let best: ConceptHit | null = null;
    for (const pattern of concept.patterns) {
      const m = matchPattern(s, pattern);
      if (!m) continue;
      if (best && STATUS_RANK[m.status] <= STATUS_RANK[best.status]) continue;
      const positions = m.chosen.flatMap((o) => o.positions).sort((a, b) => a - b);
      const clauses = [...new Set(positions.map((p) => s.tokens[p]!.clause))].map((c) => s.clauses[c]!);
      const from = s.tokens[Math.min(...clauses.map((c) => c.from))]!.start;
      const to = s.tokens[Math.max(...clauses.map((c) => c.to)) - 1]!.end;
      best = {
        concept: concept.id,
        pattern: pattern.source,
        status: m.status,
        ...(m.why ? { why: m.why } : {}),
        sentence: s,
        clause: s.text.slice(from, to),
        words: positions.map((p) => s.text.slice(s.tokens[p]!.start, s.tokens[p]!.end)),
      };
      if (m.status === 'affirmed') break;
    }
    if (best) hits.push(best);
  }
  return hits;
}

/** The strongest hit: affirmed first, then hedged; the earliest among equals. */
export function strongest(hits: readonly ConceptHit[]): ConceptHit | undefined {
  let best: ConceptHit | undefined;
  for (const h of hits) if (!best || STATUS_RANK[h.status] > STATUS_RANK[best.status]) best = h;
  return best;
}

export const affirmedHit = (hits: readonly ConceptHit[]): ConceptHit | undefined => hits.find((h) => h.status === 'affirmed');
