/** The rubric compiled once per rubric object: every concept's patterns, with the rubric's synonyms. */
import type { PostmortemRubric } from '../types.js';
import { compileConcept, synonymIndex, type CompiledConcept } from './concepts.js';

export interface CompiledRubric {
  primary: CompiledConcept;
  /** The rest of the causal chain (why the primary cause could happen). */
  secondary: CompiledConcept[];
  wrong: CompiledConcept[];
  trigger: CompiledConcept | null;
  detection: CompiledConcept | null;
  mustMention: CompiledConcept[];
  themes: CompiledConcept[];
}

const cache = new WeakMap<PostmortemRubric, CompiledRubric>();

export function compileRubric(rubric: PostmortemRubric): CompiledRubric {
  const cached = cache.get(rubric);
  if (cached) return cached;
  const synonyms = synonymIndex(rubric.synonyms);
  const primaryIndex = Math.max(0, rubric.rootCause.findIndex((c) => 'primary' in c && c.primary === true));
  const causes = rubric.rootCause.map((c) => compileConcept(c, synonyms));
  const compiled: CompiledRubric = {
    primary: causes[primaryIndex]!,
    secondary: causes.filter((_, i) => i !== primaryIndex),
    wrong: (rubric.wrongRootCauses ?? []).map((c) => compileConcept(c, synonyms)),
    trigger: rubric.trigger ? compileConcept(rubric.trigger, synonyms, 'trigger') : null,
    detection: rubric.detection ? compileConcept(rubric.detection, synonyms, 'detection') : null,
    mustMention: (rubric.mustMention ?? []).map((c) => compileConcept(c, synonyms)),
    themes: (rubric.actionItemThemes ?? []).map((c) => compileConcept(c, synonyms)),
  };
  cache.set(rubric, compiled);
  return compiled;
}
