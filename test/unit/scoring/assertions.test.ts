/**
 * What a sentence asserts: negation scope over coordinated parts, dismissal wherever its cue stands, back
 * references ("None of these ..."), superseded suspicions, hedges. Each case is a sentence a learner could write;
 * the rubric here is a small one written for the test, not the pack's.
 */
import { describe, expect, it } from 'vitest';
import { postmortemRubricSchema } from '../../../main/engine/scenario/schema.js';
import { analyseBlocks } from '../../../main/scoring/postmortem/assertions.js';
import { compileConcept, findConcept, strongest, synonymIndex } from '../../../main/scoring/postmortem/concepts.js';

const rubric = postmortemRubricSchema.parse({
  synonyms: { index: ['lookup structure'] },
  rootCause: [
    {
      id: 'missing-index',
      match: [['index', 'missing|absent|never created|not exist'], ['no index|without index|lacked index']],
    },
  ],
  wrongRootCauses: [
    { id: 'network', match: [['network|packet loss|link']] },
    { id: 'cache', match: [['cache|caches', 'cold|empty|stampede|miss|missed']] },
  ],
});
const synonyms = synonymIndex(rubric.synonyms);
const concepts = Object.fromEntries(
  [...rubric.rootCause, ...rubric.wrongRootCauses].map((c) => [c.id, compileConcept(c, synonyms)]),
);

/** The status of the concept in a paragraph (sentences linked as in a section), or "absent". */
function status(text: string, concept: string, blocks: string[] = []): string {
  const all = [...blocks, text].map((t, i) => ({ text: t, section: 0, block: i, blockType: t.startsWith('- ') ? 'list' : 'paragraph', line: i + 1 }));
  const sentences = analyseBlocks(all.map((b) => ({ ...b, text: b.text.replace(/^- /gm, '') })));
  return strongest(findConcept(sentences, concepts[concept]!))?.status ?? 'absent';
}

describe('affirmed statements', () => {
  it.each([
    'The orders table had no index on customer_email.',
    'There was no index that starts with customer_email, so every checkout scanned the table.',
    'The index on customer_email was never created.',
    'The lookup structure the query needed was missing.',
    'Because the index was missing, PostgreSQL read every row.',
    'The index, which v2 depended on, was missing.',
    'It was not the network but a missing index on customer_email.',
    'We are not sure yet why the index was missing.',
    'We suspected the index was missing, and EXPLAIN confirmed it.',
  ])('%s', (sentence) => {
    expect(status(sentence, 'missing-index')).toBe('affirmed');
  });
});

describe('negation scopes over the clause and its coordinated parts', () => {
  it.each([
    ['It was not related to the application or a missing index.', 'missing-index'],
    ['It was not the network, the disk, or a missing index.', 'missing-index'],
    ['It was not the index being missing or the network.', 'network'],
    ['Neither the network nor a missing index explains the latency.', 'missing-index'],
    ['The index was not missing: \\d orders listed it.', 'missing-index'],
  ])('%s (%s)', (sentence, concept) => {
    expect(['negated', 'dismissed']).toContain(status(sentence, concept));
  });

  it('stops at "but" and at a new clause with its own verb', () => {
    expect(status('The index was missing and the replicas were healthy.', 'missing-index')).toBe('affirmed');
    expect(status('We ruled out the network, and the index was missing.', 'missing-index')).toBe('affirmed');
    expect(status('The network was fine, but the index was missing.', 'missing-index')).toBe('affirmed');
  });
});

describe('dismissal, wherever its cue stands', () => {
  it.each([
    ['We ruled out a missing index early.', 'missing-index'],
    ['A missing index was ruled out by \\d orders.', 'missing-index'],
    ['We looked hard at a missing index and ruled it out.', 'missing-index'],
    ['We checked the network and the cache and ruled them out.', 'network'],
    ['The network and the cache were fine.', 'network'],
    ['Packet loss on the link and a cold cache were normal for that hour.', 'network'],
    ['The network looked healthy throughout.', 'network'],
    ['There is no evidence of a missing index.', 'missing-index'],
    ['The missing index was not the cause.', 'missing-index'],
    ['The missing index was a red herring.', 'missing-index'],
    ['The index we added was only a precaution; the missing index had nothing to do with it.', 'missing-index'],
    ['The timing with the network change was a coincidence.', 'network'],
    ['Packet loss played no part in this.', 'network'],
  ])('%s (%s)', (sentence, concept) => {
    expect(status(sentence, concept)).toBe('dismissed');
  });
});

describe('back references dismiss what they point at', () => {
  it('"None of these was the problem." after a list dismisses every item', () => {
    const list = '- a missing index on customer_email\n- packet loss on the network\n- a cold cache after the restart';
    expect(status('None of these was the problem.', 'missing-index', [list])).toBe('dismissed');
    expect(status('None of these was the problem.', 'cache', [list])).toBe('dismissed');
  });

  it('"that turned out to be a red herring" dismisses the clause before it', () => {
    expect(status('We first suspected a missing index, but that turned out to be a red herring.', 'missing-index')).toBe('dismissed');
  });

  it('a dismissal with its own object does not reach back', () => {
    expect(status('It was not related to the network.', 'missing-index', ['The index was missing.'])).toBe('affirmed');
  });
});

describe('suspicions and hedges are weaker than statements', () => {
  it('a suspicion the text contradicts is superseded', () => {
    expect(status('We first suspected a cold cache stampede, but the plan showed otherwise.', 'cache')).toBe('superseded');
    expect(status('The real cause was elsewhere.', 'cache', ['At first it looked like a cold cache after the restart.'])).toBe('superseded');
  });

  it.each([
    'The index was probably missing.',
    'Maybe the index was missing.',
    'It might have been a missing index.',
    'Was the index missing?',
    'If the index was missing, the plan would show a scan.',
  ])('%s is hedged', (sentence) => {
    expect(status(sentence, 'missing-index')).toBe('hedged');
  });
});

describe('descriptions are not dismissals', () => {
  it('"X was wrong" states that X was wrong; "that theory was wrong" dismisses', () => {
    const wrong = compileConcept({ id: 'dns', match: [['dns record', 'wrong|stale']] });
    const sentences = (text: string) => analyseBlocks([{ text, section: 0, block: 0, blockType: 'paragraph', line: 1 }]);
    expect(strongest(findConcept(sentences('The DNS record was wrong after a migration.'), wrong))?.status).toBe('affirmed');
    expect(status('That theory was wrong.', 'cache', ['We thought a cold cache after the restart explained it.'])).toBe('dismissed');
  });
});
