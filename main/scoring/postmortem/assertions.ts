/**
 * What a write-up asserts, clause by clause. A grader must credit a cause only where the author affirms it, so
 * every word gets the status of the clause it stands in:
 *
 * - **negated**: inside the scope of "not / no / never / without / nothing / nor ..." (from the cue to the end of
 *   its clause, coordinated parts included: "not the network or a missing index");
 * - **dismissed**: the clause dismisses what it names, wherever the cue stands ("X was ruled out", "we ruled out
 *   X", "X was only a precaution", "X was a red herring", "X was not the cause"), or a later sentence dismisses
 *   it by reference ("None of these was the problem.", "That theory did not survive the data.");
 * - **superseded**: a suspicion the text then contradicts ("we first suspected X, but ...");
 * - **hedged**: a guess, a question or a condition ("probably X", "might be X", "if X ...");
 * - **affirmed**: everything else.
 *
 * Statements end at ; : — | ? ! (a concept's terms must share one). Clauses (the scope of a negation, a hedge or
 * a dismissal) also end at parentheses and at words that start a new proposition (but, because, so, when, if ...);
 * a comma or "and/or" starts a new clause only when a finite verb follows ("..., and the index was missing"), so a
 * list keeps the negation in front of it. A rubric term may carry its own negation ("never
 * applied", "no index"): a cue a term consumes does not negate that match (see concepts.ts).
 */
import { lex, quote, splitSentences, STOPWORDS } from '../text.js';

export type ClauseStatus = 'affirmed' | 'hedged' | 'dismissed' | 'superseded';
export type Status = ClauseStatus | 'negated';

/** Better first: how much a hit with this status asserts. */
export const STATUS_RANK: Record<Status, number> = { affirmed: 4, hedged: 3, superseded: 1, negated: 0, dismissed: 0 };

export interface Token {
  raw: string;
  stem: string;
  /** Offsets in the sentence text. */
  start: number;
  end: number;
  index: number;
  /** Statement: terms of one concept must share it. */
  segment: number;
  /** Soft clause (index into the sentence's clauses): negation and dismissal scope. */
  clause: number;
  /** Part of a multi-word idiom ("ruled out", "not sure"): never matched as a content word. */
  idiom: boolean;
  cue: 'neg' | 'dismiss' | 'hedge' | null;
  /** Index of the negation cue whose scope covers this token, or -1. */
  negatedBy: number;
}

export interface Clause {
  index: number;
  /** Token range [from, to). */
  from: number;
  to: number;
  status: ClauseStatus;
  /** Why it is not affirmed, in words a trainer reads ("dismissed by \"ruled out\""). */
  why?: string;
  /** A suspicion ("we first suspected"), which a contrast after it supersedes. */
  suspicion?: boolean;
}

/** Where a sentence stands in the document. */
export interface Place {
  /** Index of the section in the parsed document. */
  section: number;
  /** Index of the block (paragraph, list, table) in the document. */
  block: number;
  blockType: string;
  line: number;
}

export interface AnalysedSentence extends Place {
  text: string;
  tokens: Token[];
  clauses: Clause[];
  question: boolean;
}

// ------------------------------------------------------------------ lexicon

const NEGATION_CUES = new Set(['not', 'no', 'never', 'nor', 'neither', 'without', 'none', 'nothing', 'nobody']);
const DISMISS_WORDS = new Set([
  'unrelated',
  'irrelevant',
  'innocent',
  'coincidence',
  'coincidental',
  'excluded',
  'eliminated',
  'dismissed',
  'disproved',
  'disproven',
  'discarded',
  'distraction',
  'precaution',
  'precautionary',
]);
const HEDGE_WORDS = new Set([
  'suspect',
  'suspected',
  'suspicion',
  'suspicions',
  'thought',
  'think',
  'believe',
  'believed',
  'assume',
  'assumed',
  'assumption',
  'hypothesis',
  'hypothesised',
  'hypothesized',
  'theory',
  'initially',
  'seemed',
  'seem',
  'seems',
  'appeared',
  'apparently',
  'might',
  'may',
  'possibly',
  'possible',
  'probably',
  'likely',
  'perhaps',
  'maybe',
  'presumably',
  'guess',
  'guessed',
  'unsure',
  'unclear',
  'wonder',
  'wondered',
  'considered',
  'if',
  'whether',
  'unless',
]);
/** Hedges that state a suspicion: a contrast after them supersedes it. */
const SUSPICION = new Set([
  'suspect',
  'suspected',
  'suspicion',
  'suspicions',
  'thought',
  'think',
  'believe',
  'believed',
  'assume',
  'assumed',
  'assumption',
  'hypothesis',
  'hypothesised',
  'hypothesized',
  'theory',
  'initially',
  'seemed',
  'seem',
  'seems',
  'appeared',
  'guess',
  'guessed',
  'considered',
  'at first',
  'looked like',
  'look like',
  'some said',
  'someone suggested',
  'it was suggested',
  'others thought',
  'one theory',
]);
/** In a suspicion's own clause, these say it was wrong ("our hypothesis that X was wrong"). */
const WRONG = new Set(['wrong', 'mistaken', 'incorrect', 'disproved', 'disproven', 'refuted']);

type Role = 'neg' | 'dismiss' | 'hedge' | 'plain';
/** Multi-word cues, matched on lowercased words. `plain` neutralises a negation ("not only"). */
const IDIOMS: [string, Role][] = [
  ['ruled out', 'dismiss'],
  ['rule out', 'dismiss'],
  ['rules out', 'dismiss'],
  ['ruling out', 'dismiss'],
  ['red herring', 'dismiss'],
  ['red herrings', 'dismiss'],
  ['not related', 'dismiss'],
  ['not relevant', 'dismiss'],
  ['not responsible', 'dismiss'],
  ['not involved', 'dismiss'],
  ['not a factor', 'dismiss'],
  ['not at fault', 'dismiss'],
  ['false lead', 'dismiss'],
  ['false alarm', 'dismiss'],
  ['nothing to do with', 'dismiss'],
  ['no effect', 'dismiss'],
  ['no visible effect', 'dismiss'],
  ['no difference', 'dismiss'],
  ['no part', 'dismiss'],
  ['no role', 'dismiss'],
  ['not contribute', 'dismiss'],
  ['did not contribute', 'dismiss'],
  ['safety measure', 'dismiss'],
  ['just in case', 'dismiss'],
  ['in case it helped', 'dismiss'],
  ['did not survive', 'dismiss'],
  ['did not hold', 'dismiss'],
  ['did not hold up', 'dismiss'],
  // "X was wrong" describes X ("the DNS record was wrong"); only a guess being wrong dismisses it.
  ['theory was wrong', 'dismiss'],
  ['hypothesis was wrong', 'dismiss'],
  ['guess was wrong', 'dismiss'],
  ['assumption was wrong', 'dismiss'],
  ['suspicion was wrong', 'dismiss'],
  ['we were wrong', 'dismiss'],
  ['turned out to be wrong', 'dismiss'],
  ['proved wrong', 'dismiss'],
  ['no evidence', 'dismiss'],
  ['no sign', 'dismiss'],
  ['no signs', 'dismiss'],
  ['no indication', 'dismiss'],
  ['none of', 'dismiss'],
  ['neither of', 'dismiss'],
  ['only a symptom', 'dismiss'],
  ['just a symptom', 'dismiss'],
  ['merely a symptom', 'dismiss'],
  ['a symptom not', 'dismiss'],
  ['not sure', 'hedge'],
  ['not certain', 'hedge'],
  ['not clear', 'hedge'],
  ['not yet clear', 'hedge'],
  ['no idea', 'hedge'],
  ['not know', 'hedge'],
  ['not yet know', 'hedge'],
  ['not understand', 'hedge'],
  ['looked like', 'hedge'],
  ['look like', 'hedge'],
  ['looks like', 'hedge'],
  ['at first', 'hedge'],
  ['could have been', 'hedge'],
  ['some said', 'hedge'],
  ['someone suggested', 'hedge'],
  ['it was suggested', 'hedge'],
  ['others thought', 'hedge'],
  ['one theory', 'hedge'],
  ['may have been', 'hedge'],
  ['not only', 'plain'],
  ['not just', 'plain'],
  ['not merely', 'plain'],
  ['nothing but', 'plain'],
  ['no matter', 'plain'],
  ['no more than', 'plain'],
  ['not until', 'plain'],
];
/** "X and Y were fine": a verdict of health on what the clause names exonerates it. */
for (const verb of ['is', 'are', 'was', 'were', 'looked', 'looks', 'look'])
  for (const verdict of ['fine', 'ok', 'okay', 'healthy', 'normal']) IDIOMS.push([`${verb} ${verdict}`, 'dismiss']);
const PLURAL_VERDICT = /^(are|were|look) (fine|ok|okay|healthy|normal)$/;
/** A phrasal verb split by its pronoun object ("we ruled it out") dismisses like the joined one. */
for (const verb of ['rule', 'rules', 'ruled', 'ruling'])
  for (const object of ['it', 'them', 'that', 'this', 'these', 'those', 'both']) IDIOMS.push([`${verb} ${object} out`, 'dismiss']);
const IDIOMS_BY_FIRST = new Map<string, { words: string[]; role: Role; text: string }[]>();
for (const [text, role] of IDIOMS) {
  const words = text.split(' ');
  IDIOMS_BY_FIRST.set(words[0]!, [...(IDIOMS_BY_FIRST.get(words[0]!) ?? []), { words, role, text }]);
}
for (const list of IDIOMS_BY_FIRST.values()) list.sort((a, b) => b.words.length - a.words.length);

/** Words that start a new proposition (a hard segment). "because of" and "due to" stay prepositions. */
const BOUNDARY_WORDS = new Set([
  'but',
  'however',
  'although',
  'though',
  'whereas',
  'instead',
  'nevertheless',
  'nonetheless',
  'except',
  'because',
  'since',
  'so',
  'therefore',
  'thus',
  'hence',
  'then',
  'until',
  'when',
  'whenever',
  'while',
  'after',
  'before',
  'unless',
  'if',
  'whether',
]);
const CONTRAST_WORDS = new Set(['but', 'however', 'instead', 'although', 'though', 'whereas', 'yet']);
const COORDINATORS = new Set(['and', 'or', 'nor']);
/** Punctuation that ends a statement (terms of one concept must share a statement). */
const STATEMENT_PUNCT = new Set([';', ':', '—', '–', '-', '|', '?', '!']);
/** Punctuation that always ends a clause (a parenthesis is an aside: it ends scope, not the statement). */
const CLAUSE_PUNCT = new Set(['(', ')', '[', ']']);

/** Finite verbs: a comma or "and" followed by one of these starts a new clause. */
const FINITE = new Set(
  (
    'is are was were be been am has have had do does did will would can could should may might must shall ' +
    'caused causes made makes led leads meant means found finds showed shows turned turns ran runs took takes went ' +
    'came saw became kept left got let skipped scanned used needed happened started stopped fired paged rolled ' +
    'created built added fixed recovered returned dropped chose slowed saturated queued explains explained ' +
    'confirmed confirms stayed remained proved verified'
  ).split(' '),
);

/** After "X was not ...", these make it a denial of X ("X was not the cause"), not a description. */
const DENIAL_OBJECTS = new Set(
  'cause causes caused culprit problem issue reason factor explanation trigger responsible blame involved relevant answer source case why it'
    .split(' '),
);
/** Words that may stand between a cue and what it denies ("not the real cause"). */
const FILLER = new Set([
  ...STOPWORDS,
  ...'real actual main root underlying direct primary obvious big clear single whole true ultimate proximate'.split(' '),
]);

const SINGULAR_ANAPHORA = new Set(['it', 'this', 'that', 'which']);
const PLURAL_ANAPHORA = new Set(['these', 'those', 'they', 'both', 'all', 'none', 'neither', 'either', 'each']);
/** Words a back-reference may use without naming anything of its own ("that theory turned out to be wrong"). */
const ANAPHORA_FILLER = new Set(
  'turn turned prove proved theory hypothesis idea suspicion suspicions guess data evidence lead path explanation one wrong case end look closer check incident outage slowdown here'.split(
    ' ',
  ),
);
const CONFIRM = new Set(['confirmed', 'confirms', 'confirm', 'verified', 'indeed', 'correct', 'right', 'proved', 'proven']);
const REFUTE_NEXT = new Set(['however', 'actually', 'instead', 'real', 'actual', 'fact', 'wrong', 'but']);

// ------------------------------------------------------------------ one sentence

export function analyseSentence(text: string, place: Place): AnalysedSentence {
  const lexemes = lex(text);
  const tokens: Token[] = [];
  /** Break before each token: 0 none, 1 comma (a clause only if a verb follows), 2 clause, 3 statement. */
  const before: number[] = [];
  let pending = 0;
  for (const l of lexemes) {
    if (l.kind === 'punct') {
      pending = Math.max(pending, STATEMENT_PUNCT.has(l.raw) ? 3 : CLAUSE_PUNCT.has(l.raw) ? 2 : 1);
      continue;
    }
    tokens.push({
      raw: l.raw,
      stem: l.stem,
      start: l.start,
      end: l.end,
      index: tokens.length,
      segment: 0,
      clause: 0,
      idiom: false,
      cue: null,
      negatedBy: -1,
    });
    before.push(pending);
    pending = 0;
  }

  // Idioms first: their words are cues as a whole ("not sure" is a hedge, not a negation).
  const idiomText = new Map<number, string>();
  for (let i = 0; i < tokens.length; i++) {
    const candidates = IDIOMS_BY_FIRST.get(tokens[i]!.raw);
    if (!candidates) continue;
    for (const idiom of candidates) {
      if (idiom.words.every((w, k) => tokens[i + k]?.raw === w && (k === 0 || before[i + k] === 0))) {
        for (let k = 0; k < idiom.words.length; k++) tokens[i + k]!.idiom = true;
        if (idiom.role !== 'plain') tokens[i]!.cue = idiom.role;
        idiomText.set(i, idiom.text);
        i += idiom.words.length - 1;
        break;
      }
    }
  }
  for (const t of tokens) {
    if (t.idiom) continue;
    if (NEGATION_CUES.has(t.raw)) t.cue = 'neg';
    else if (DISMISS_WORDS.has(t.raw)) t.cue = 'dismiss';
    else if (HEDGE_WORDS.has(t.raw)) {
      // "May 14" is a date, not a hedge.
      if (!(t.raw === 'may' && /^\d/.test(tokens[t.index + 1]?.raw ?? ''))) t.cue = 'hedge';
    }
  }

  // Statements (segments) and clauses.
  const boundaryAt = new Array<number>(tokens.length).fill(0);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let b = before[i]!;
    if (b < 2 && BOUNDARY_WORDS.has(t.raw) && !t.idiom) {
      const next = tokens[i + 1]?.raw;
      const preposition = (t.raw === 'because' && next === 'of') || (t.raw === 'so' && next === 'that');
      if (!preposition) b = 2;
    }
    // "not sure why X": the hedge is about the reason; X itself is presupposed.
    if (b < 2 && /^(why|how|what|whether)$/.test(t.raw)) {
      const start = [...idiomText.keys()].filter((k) => k < i && k >= i - 4).pop();
      if (start !== undefined && tokens[start]!.cue === 'hedge' && /^(not|no) /.test(idiomText.get(start)!)) b = 2;
      if (tokens.slice(Math.max(0, i - 3), i).some((x) => x.raw === 'unsure' || x.raw === 'unclear')) b = 2;
    }
    if (b === 1 || (b === 0 && COORDINATORS.has(t.raw))) {
      // A comma or a coordinator opens a clause only when a finite verb follows before the next break.
      let verb = false;
      for (let j = i + (b === 0 ? 1 : 0); j < tokens.length; j++) {
        if (j > i && (before[j]! > 0 || BOUNDARY_WORDS.has(tokens[j]!.raw))) break;
        if (j > i + (b === 0 ? 1 : 0) && COORDINATORS.has(tokens[j]!.raw)) break;
        if (FINITE.has(tokens[j]!.raw)) {
          verb = true;
          break;
        }
      }
      b = verb ? 2 : 0;
    }
    boundaryAt[i] = b;
  }
  let segment = 0;
  let clause = 0;
  const clauses: Clause[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && boundaryAt[i]! >= 2) {
      clause += 1;
      if (boundaryAt[i] === 3) segment += 1;
    }
    tokens[i]!.segment = segment;
    tokens[i]!.clause = clause;
    if (!clauses[clause]) clauses[clause] = { index: clause, from: i, to: i + 1, status: 'affirmed' };
    clauses[clause]!.to = i + 1;
  }

  // Negation scope: from the cue to the end of its clause. A cue followed by a denial object dismisses the clause.
  for (const t of tokens) {
    if (t.cue !== 'neg') continue;
    const c = clauses[t.clause]!;
    let k = t.index + 1;
    while (k < c.to && FILLER.has(tokens[k]!.raw) && !DENIAL_OBJECTS.has(tokens[k]!.raw)) k++;
    if (k < c.to && DENIAL_OBJECTS.has(tokens[k]!.raw) && !(tokens[k]!.raw === 'it' && k + 1 < c.to && !FILLER.has(tokens[k + 1]!.raw))) {
      c.status = 'dismissed';
      c.why = `dismissed by "${tokens
        .slice(t.index, k + 1)
        .map((x) => x.raw)
        .join(' ')}"`;
      continue;
    }
    for (let j = t.index + 1; j < c.to; j++) if (tokens[j]!.negatedBy < 0) tokens[j]!.negatedBy = t.index;
  }

  const question = /\?\s*$/.test(text);
  for (const c of clauses) {
    if (c.status === 'dismissed') continue;
    const span = tokens.slice(c.from, c.to);
    const dismiss = span.find((t) => t.cue === 'dismiss');
    if (dismiss) {
      const cue = idiomText.get(dismiss.index) ?? dismiss.raw;
      c.status = 'dismissed';
      c.why = `dismissed by "${cue}"`;
      // "X and Y were fine": a plural verdict covers the coordinated subject in the clause before it.
      const before = clauses[c.index - 1];
      const subjectOnly = (x: Clause): boolean => !tokens.slice(x.from, x.to).some((t) => FINITE.has(t.raw));
      if (
        before &&
        PLURAL_VERDICT.test(cue) &&
        COORDINATORS.has(tokens[c.from]!.raw) &&
        tokens[before.from]!.segment === tokens[c.from]!.segment &&
        subjectOnly(before)
      ) {
        before.status = 'dismissed';
        before.why = `dismissed by "${cue}" (a verdict on a coordinated subject)`;
      }
      continue;
    }
    const hedge = span.find((t) => t.cue === 'hedge');
    if (hedge || question) {
      const word = hedge ? (idiomText.get(hedge.index) ?? hedge.raw) : '?';
      c.status = 'hedged';
      c.why = hedge ? `hedged by "${word}"` : 'a question, not a statement';
      c.suspicion = hedge !== undefined && SUSPICION.has(word);
    }
  }
  // "We suspected X, and EXPLAIN confirmed it": a confirmed suspicion is a statement.
  clauses.forEach((c, i) => {
    if (c.status !== 'hedged' || !c.suspicion) return;
    const later = clauses.slice(i + 1);
    const confirms = (l: Clause): boolean => {
      const words = tokens.slice(l.from, l.to);
      return l.status !== 'dismissed' && words.some((t) => CONFIRM.has(t.raw)) && !words.some((t) => WRONG.has(t.raw) || t.cue === 'neg');
    };
    if (later.some(confirms)) {
      c.status = 'affirmed';
      delete c.why;
      return;
    }
    if (tokens.slice(c.from, c.to).some((t) => WRONG.has(t.raw))) {
      c.status = 'dismissed';
      c.why = `a suspicion (${c.why}) called wrong in the same clause`;
      return;
    }
    const contrast = later.find(
      (l) => CONTRAST_WORDS.has(tokens[l.from]!.raw) || tokens.slice(l.from, l.to).some((t) => REFUTE_NEXT.has(t.raw) && t.raw !== 'but'),
    );
    if (contrast) {
      c.status = 'superseded';
      c.why = `a suspicion (${c.why}) the sentence goes on to contradict ("${tokens[contrast.from]!.raw} …")`;
    }
  });
  return { text, tokens, clauses, question, ...place };
}

// ------------------------------------------------------------------ across sentences

const LEADING = new Set(['and', 'but', 'so', 'then', 'also', 'however', 'yet', 'though', 'although', 'instead']);

function firstContent(tokens: Token[], c: Clause): Token | undefined {
  return tokens.slice(c.from, c.to).find((t) => !LEADING.has(t.raw));
}

/** A dismissed clause that names nothing of its own refers back ("None of these was the problem."). */
function backReference(s: AnalysedSentence, c: Clause): 'singular' | 'plural' | null {
  if (c.status !== 'dismissed') return null;
  const first = firstContent(s.tokens, c);
  if (!first) return null;
  const kind = SINGULAR_ANAPHORA.has(first.raw) ? 'singular' : PLURAL_ANAPHORA.has(first.raw) ? 'plural' : null;
  if (!kind) return null;
  const own = s.tokens
    .slice(c.from, c.to)
    .filter(
      (t) =>
        t !== first &&
        !LEADING.has(t.raw) &&
        !t.idiom &&
        t.cue === null &&
        !STOPWORDS.has(t.raw) &&
        !DENIAL_OBJECTS.has(t.raw) &&
        !ANAPHORA_FILLER.has(t.raw) &&
        !FILLER.has(t.raw),
    );
  return own.length === 0 ? kind : null;
}

function dismissClauses(s: AnalysedSentence, clauses: Clause[], by: string): void {
  for (const c of clauses) {
    c.status = 'dismissed';
    c.why = `dismissed by a later reference: "${quote(by, 90)}"`;
  }
}

/**
 * Back-references and superseded suspicions, within each section: "None of these was the problem." after a list
 * dismisses the list; "That theory did not survive the data." dismisses the sentence before it; a suspicion
 * followed by "the real cause / actually / however ..." in the next sentence is superseded.
 */
function linkSentences(sentences: AnalysedSentence[]): void {
  for (let n = 0; n < sentences.length; n++) {
    const s = sentences[n]!;
    const previous = sentences[n - 1]?.section === s.section ? sentences[n - 1] : undefined;
    for (const c of s.clauses) {
      const kind = backReference(s, c);
      if (!kind) continue;
      const earlier = s.clauses.filter((x) => x.index < c.index);
      if (earlier.length > 0) {
        dismissClauses(s, earlier, s.text);
        continue;
      }
      if (!previous) continue;
      if (kind === 'plural' && previous.block !== s.block && previous.blockType === 'list') {
        for (const p of sentences) if (p.block === previous.block) dismissClauses(p, p.clauses, s.text);
      } else dismissClauses(previous, previous.clauses, s.text);
    }
    if (previous) {
      const refutes = s.tokens.some((t) => REFUTE_NEXT.has(t.raw) || (t.raw === 'turned' && s.tokens[t.index + 1]?.raw === 'out'));
      const dismissing = s.clauses.some((c) => c.status === 'dismissed');
      if (refutes || dismissing)
        for (const c of previous.clauses)
          if (c.status === 'hedged' && c.suspicion) {
            c.status = 'superseded';
            c.why = `a suspicion (${c.why}) the next sentence contradicts: "${quote(s.text, 90)}"`;
          }
    }
  }
}

export interface TextBlock extends Omit<Place, 'line'> {
  text: string;
  line: number;
}

/** Every sentence of the blocks, analysed and linked across sentences of the same section. */
export function analyseBlocks(blocks: TextBlock[]): AnalysedSentence[] {
  const sentences: AnalysedSentence[] = [];
  for (const b of blocks)
    for (const text of splitSentences(b.text))
      sentences.push(analyseSentence(text, { section: b.section, block: b.block, blockType: b.blockType, line: b.line }));
  linkSentences(sentences);
  return sentences;
}

/** The text of a clause, as the author wrote it. */
export function clauseText(s: AnalysedSentence, c: Clause): string {
  const from = s.tokens[c.from]?.start ?? 0;
  const to = s.tokens[c.to - 1]?.end ?? s.text.length;
  return s.text.slice(from, to);
}
