/** Start order from `dependsOn`: a topological sort that names the cycle or the missing service. */
export function startOrder<T extends { name: string; dependsOn: string[] }>(services: T[]): T[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (service: T, path: string[]): void => {
    const seen = state.get(service.name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`services depend on each other in a cycle: ${[...path, service.name].join(' → ')}`);
    state.set(service.name, 'visiting');
    for (const dep of service.dependsOn) {
      const target = byName.get(dep);
      if (!target) throw new Error(`service "${service.name}" depends on unknown service "${dep}"`);
      visit(target, [...path, service.name]);
    }
    state.set(service.name, 'done');
    ordered.push(service);
  };
  for (const service of services) visit(service, []);
  return ordered;
}

/**
 * The start order in waves: a service's wave is one more than its latest dependency's, so every service of
 * a wave depends only on earlier waves and the wave can start at once.
 */
export function startWaves<T extends { name: string; dependsOn: string[] }>(services: T[]): T[][] {
  const wave = new Map<string, number>();
  const waves: T[][] = [];
  for (const service of startOrder(services)) {
    const index = Math.max(-1, ...service.dependsOn.map((dep) => wave.get(dep)!)) + 1;
    wave.set(service.name, index);
    (waves[index] ??= []).push(service);
  }
  return waves;
}
