import type { ScenarioSummary } from '../../../shared/api/contract';

export type Difficulty = ScenarioSummary['difficulty'];

export interface CatalogFilter {
  difficulty: Difficulty | 'all';
  tag: string | 'all';
  query: string;
}

export const emptyFilter: CatalogFilter = { difficulty: 'all', tag: 'all', query: '' };

/** Matches every word of the query against name, title, summary, tags and runtimes (case-insensitive). */
export function filterScenarios(list: readonly ScenarioSummary[], filter: CatalogFilter): ScenarioSummary[] {
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  return list.filter((scenario) => {
    if (filter.difficulty !== 'all' && scenario.difficulty !== filter.difficulty) return false;
    if (filter.tag !== 'all' && !scenario.tags.includes(filter.tag)) return false;
    if (words.length === 0) return true;
    const haystack = [scenario.name, scenario.title, scenario.summary, ...scenario.tags, ...scenario.runtimes]
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

export function allTags(list: readonly ScenarioSummary[]): string[] {
  return [...new Set(list.flatMap((scenario) => scenario.tags))].sort((a, b) => a.localeCompare(b));
}
