/**
 * Small, deterministic text helpers for grading prose: Porter stems (the `stemmer` package), a lexer that keeps
 * every word's place in the original text, sentence splitting, word counts and quotes. What a sentence asserts
 * (negation, hedging, dismissal) is worked out on top of this in postmortem/assertions.ts.
 */
import { stemmer } from 'stemmer';

/** Forms Porter's rules do not join to their word (irregular verbs and plurals). */
const IRREGULAR: Record<string, string> = {
  indices: 'index',
  ran: 'run',
  analyses: 'analysis',
  built: 'build',
  found: 'find',
  made: 'make',
  led: 'lead',
  went: 'go',
  took: 'take',
  chose: 'choose',
  began: 'begin',
  saw: 'see',
  shown: 'show',
  knew: 'know',
  thought: 'think',
};

/** The word's stem: both sides of every comparison go through it. Numbers stay as they are. */
export function stem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular) return stemmer(irregular);
  return /^\d/.test(word) ? word : stemmer(word);
}

export const STOPWORDS = new Set(
  (
    'a an the of on in at to for from by with and or as is are was were be been being it its this that these those ' +
    'there their they we our us i he she his her you your which who whom what when where how than then so did do ' +
    'does done had has have having into onto over under per via also just only very some any all each more most ' +
    'can could would will may might must shall should about after before during while up down out off again'
  ).split(' '),
);

/** A word or a punctuation mark, with where it stands in the original text. */
export interface Lexeme {
  kind: 'word' | 'punct';
  /** Lowercased word (contractions split: "wasn't" gives "was" and "not"), or the punctuation mark. */
  raw: string;
  stem: string;
  start: number;
  end: number;
}

const CONTRACTIONS: Record<string, [string, string]> = {
  "can't": ['can', 'not'],
  "won't": ['will', 'not'],
  "shan't": ['shall', 'not'],
  cannot: ['can', 'not'],
};

/**
 * Words (letters, digits, underscores: `customer_email` is one word) and the punctuation that splits clauses.
 * Apostrophes are normalised; "n't" becomes "not".
 */
export function lex(text: string): Lexeme[] {
  const out: Lexeme[] = [];
  const source = text.toLowerCase().replace(/[’`‘]/g, "'");
  // Clock times ("14:03:10") are one word: their colons do not end a statement.
  for (const m of source.matchAll(/\d{1,2}:\d{2}(?::\d{2})?|[a-z0-9_]+(?:'[a-z]+)?|[;:,()[\]?!|—–]|\s-\s/g)) {
    const start = m.index;
    const end = start + m[0].length;
    const token = m[0];
    if (/^\d{1,2}:\d{2}/.test(token)) {
      out.push({ kind: 'word', raw: token, stem: token, start, end });
      continue;
    }
    if (!/^[a-z0-9_]/.test(token)) {
      out.push({ kind: 'punct', raw: token.trim(), stem: token.trim(), start, end });
      continue;
    }
    const split = CONTRACTIONS[token];
    if (split) {
      for (const w of split) out.push({ kind: 'word', raw: w, stem: stem(w), start, end });
      continue;
    }
    if (token.endsWith("n't")) {
      const base = token.slice(0, -3);
      out.push({ kind: 'word', raw: base, stem: stem(base), start, end });
      out.push({ kind: 'word', raw: 'not', stem: 'not', start, end });
      continue;
    }
    // "table's" is "table"; "it's" stays one word ("it").
    const word = token.replace(/'[a-z]+$/, '');
    out.push({ kind: 'word', raw: word, stem: stem(word), start, end });
  }
  return out;
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z0-9`*"'([])|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function wordCount(text: string): number {
  return (text.match(/[A-Za-z0-9][\w'-]*/g) ?? []).length;
}

export function stemsOf(text: string): Set<string> {
  return new Set(lex(text).filter((l) => l.kind === 'word').map((l) => l.stem));
}

export function quote(text: string, max = 160): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
