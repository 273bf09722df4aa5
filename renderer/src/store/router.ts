/** A tiny hash router: routes are data, the hash is their text form. Pure, so it is tested without a DOM. */

export type Route =
  | { name: 'catalog' }
  | { name: 'briefing'; scenario: string }
  | { name: 'live'; runId: string }
  | { name: 'postmortem'; runId: string }
  | { name: 'report'; runId: string }
  | { name: 'history' }
  | { name: 'studio'; pack?: string }
  | { name: 'game' };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '');
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const [head, id, sub] = parts;
  if (head === 'scenario' && id) return { name: 'briefing', scenario: id };
  if (head === 'run' && id && sub === 'postmortem') return { name: 'postmortem', runId: id };
  if (head === 'run' && id) return { name: 'live', runId: id };
  if (head === 'report' && id) return { name: 'report', runId: id };
  if (head === 'history') return { name: 'history' };
  if (head === 'studio') return id ? { name: 'studio', pack: id } : { name: 'studio' };
  if (head === 'game') return { name: 'game' };
  return { name: 'catalog' };
}

export function formatHash(route: Route): string {
  switch (route.name) {
    case 'catalog':
      return '#/';
    case 'briefing':
      return `#/scenario/${encodeURIComponent(route.scenario)}`;
    case 'live':
      return `#/run/${encodeURIComponent(route.runId)}`;
    case 'postmortem':
      return `#/run/${encodeURIComponent(route.runId)}/postmortem`;
    case 'report':
      return `#/report/${encodeURIComponent(route.runId)}`;
    case 'history':
      return '#/history';
    case 'studio':
      return route.pack ? `#/studio/${encodeURIComponent(route.pack)}` : '#/studio';
    case 'game':
      return '#/game';
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatHash(a) === formatHash(b);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
