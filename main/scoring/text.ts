/**
 * Small, deterministic text matching for grading prose: Porter stems (the `stemmer` package), phrase
 * matching that tolerates word order and punctuation, clause-scoped negation and hedging.
 */
import { stemmer } from 'stemmer';

/** Forms Porter's rules do not join to their word (irregular verbs and plurals). */
const IRREGULAR: Record<string, string> = {
  indices: 'index',
  ran: 'run',
  analyses: 'analysis',
};

/** The word's stem: both sides of every comparison go through it. Numbers stay as they are. */
export function stem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular) return stemmer(irregular);
  return /^\d/.test(word) ? word : stemmer(word);
}

const STOPWORDS = new Set(
  (
    'a an the of on in at to for from by with and or as is are was were be been being it its this that these those ' +
    'there their they we our us i he she his her you your which who whom what when where how than then so did do ' +
    'does done had has have having into onto over under per via also just only very some any all each more most ' +
    'can could would will may might must shall should about after before during while up down out off again'
  ).split(' '),
);

/** The words and their stems, so a list can be checked against a token's raw form or its stem. */
const withStems = (words: string): Set<string> => new Set(words.split(/\s+/).flatMap((w) => [w, stem(w)]));

/** Words that may sit between a negation cue and the thing it negates ("not caused by the ..."). */
const FILLER = new Set([
  ...STOPWORDS,
  ...withStems('actually really simply just cause caused due related because about any real clear obvious direct directly primary main underlying actual'),
]);

const NEGATION_CUES = new Set(['not', 'no', 'negx', 'nor', 'neither', 'without']);
/** After "X was not ..." only these make it a denial of X ("X was not the cause"). */
const POST_NEGATION_OBJECTS = withStems('cause problem issue culprit reason responsible root why blame factor it involved relevant');
const HEDGES = withStems(
  'suspect suspicion thought think assume assumption hypothesis hypothesize hypothesised initial initially first seem seemingly look appear guess maybe might possible possibly wonder symptom believe misleading mislead theory',
);
const CLAUSE_WORDS = new Set([
  'but',
  'however',
  'although',
  'though',
  'whereas',
  'instead',
  'rather',
  'yet',
  'while',
  'whil',
]);

export interface Token {
  raw: string;
  stem: string;
  stop: boolean;
  clause: number;
}

/** Lowercases and rewrites negation idioms into single cue tokens. */
export function normalizeForMatching(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/\b(\w+)n't\b/g, '$1 not')
    .replace(/\bcannot\b/g, 'can not')
    .replace(/\b(ruled|rule|rules|ruling)\s+out\b/g, ' negx ')
    .replace(/\bno\s+(evidence|sign|signs|indication)\s+(of|for|that)\b/g, ' negx ')
    .replace(
      /\b(excluded|eliminated|unrelated|irrelevant|innocent|red herring|not related|not responsible)\b/g,
      ' negx ',
    );
}

/** Tokens of one sentence, with clause numbers (punctuation and "but/however/..." start a new clause). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let clause = 0;
  for (const m of normalizeForMatching(text).matchAll(/[a-z0-9]+|[;:,()\u2014\u2013]|\s-\s/g)) {
    const raw = m[0];
    if (!/^[a-z0-9]/.test(raw)) {
      clause += 1;
      continue;
    }
    if (CLAUSE_WORDS.has(raw)) {
      clause += 1;
      tokens.push({ raw, stem: raw, stop: true, clause });
      continue;
    }
    tokens.push({ raw, stem: stem(raw), stop: STOPWORDS.has(raw), clause });
  }
  return tokens;
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z0-9`*"'([])|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface CompiledPhrase {
  source: string;
  stems: string[];
}

const compiledPhrases = new Map<string, CompiledPhrase>();

export function compilePhrase(phrase: string): CompiledPhrase {
  const cached = compiledPhrases.get(phrase);
  if (cached) return cached;
  const compiled = compilePhraseUncached(phrase);
  compiledPhrases.set(phrase, compiled);
  return compiled;
}

function compilePhraseUncached(phrase: string): CompiledPhrase {
  const tokens = tokenize(phrase);
  const content = tokens.filter((t) => !t.stop || NEGATION_CUES.has(t.raw));
  const stems = (content.length > 0 ? content : tokens).map((t) => t.stem);
  return { source: phrase, stems: [...new Set(stems)] };
}

export interface Sentence {
  text: string;
  tokens: Token[];
}

export function analyse(text: string): Sentence[] {
  return splitSentences(text).map((s) => ({ text: s, tokens: tokenize(s) }));
}

export interface PhraseHit {
  phrase: string;
  sentence: string;
  negated: boolean;
  hedged: boolean;
}

/**
 * Finds a phrase in a sentence: every content word of the phrase within a short window, any order.
 * Returns the token span or null.
 */
function findSpan(tokens: Token[], phrase: CompiledPhrase): [number, number] | null {
  const need = phrase.stems;
  if (need.length === 0) return null;
  const window = need.length + 3;
  for (let i = 0; i < tokens.length; i++) {
    if (!need.includes(tokens[i]!.stem)) continue;
    const seen = new Set<string>();
    let content = 0;
    for (let j = i; j < tokens.length && content < window; j++) {
      const t = tokens[j]!;
      if (!t.stop) content += 1;
      if (need.includes(t.stem)) seen.add(t.stem);
      if (seen.size === need.length) return [i, j];
    }
  }
  return null;
}

function isNegated(tokens: Token[], [start, end]: [number, number]): boolean {
  const clause = tokens[start]!.clause;
  for (let i = start - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.clause !== clause) break;
    if (NEGATION_CUES.has(t.raw)) return true;
    if (!FILLER.has(t.raw) && !FILLER.has(t.stem)) break;
  }
  const endClause = tokens[end]!.clause;
  for (let i = end + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.clause !== endClause) break;
    if (t.raw === 'negx') return true;
    if (t.raw === 'not' || t.raw === 'no') {
      // "X was not the cause" denies X; "X was not applied" describes it.
      for (let k = i + 1; k < tokens.length && tokens[k]!.clause === endClause; k++) {
        const u = tokens[k]!;
        if (POST_NEGATION_OBJECTS.has(u.stem) || POST_NEGATION_OBJECTS.has(u.raw)) return true;
        if (!FILLER.has(u.raw)) return false;
      }
      return true;
    }
    if (!FILLER.has(t.raw) && !FILLER.has(t.stem)) break;
  }
  return false;
}

function isHedged(tokens: Token[]): boolean {
  return tokens.some((t) => HEDGES.has(t.stem) || HEDGES.has(t.raw));
}

export function matchPhrase(sentence: Sentence, phrase: CompiledPhrase): PhraseHit | null {
  const span = findSpan(sentence.tokens, phrase);
  if (!span) return null;
  return {
    phrase: phrase.source,
    sentence: sentence.text,
    negated: isNegated(sentence.tokens, span),
    hedged: isHedged(sentence.tokens),
  };
}

/** All hits of any of the phrases in the sentences, first hit per sentence. */
export function findPhrases(sentences: Sentence[], phrases: readonly string[]): PhraseHit[] {
  const compiled = phrases.map(compilePhrase);
  const hits: PhraseHit[] = [];
  for (const sentence of sentences) {
    // Prefer an affirmative hit in a sentence over a negated one.
    let chosen: PhraseHit | null = null;
    for (const phrase of compiled) {
      const hit = matchPhrase(sentence, phrase);
      if (hit && (!chosen || (chosen.negated && !hit.negated))) chosen = hit;
    }
    if (chosen) hits.push(chosen);
  }
  return hits;
}

/** True when any phrase is stated affirmatively (not negated) somewhere in the sentences. */
export function states(sentences: Sentence[], phrases: readonly string[]): PhraseHit | null {
  return findPhrases(sentences, phrases).find((h) => !h.negated) ?? null;
}

export function wordCount(text: string): number {
  return (text.match(/[A-Za-z0-9][\w'-]*/g) ?? []).length;
}

export function stemsOf(text: string): Set<string> {
  return new Set(tokenize(text).map((t) => t.stem));
}

export function quote(text: string, max = 160): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
