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
 * Starts every service once all of its dependencies have started (each `start` resolves when its service
 * is up), so independent chains come up side by side instead of one container after another. When one
 * fails, its dependants never start, and this waits for every start already under way before rejecting
 * with the first failure: the caller's cleanup must not race containers still being created.
 */
export async function startInDependencyOrder<T extends { name: string; dependsOn: string[] }>(
  services: T[],
  start: (service: T) => Promise<void>,
): Promise<void> {
  const ordered = startOrder(services);
  const byName = new Map(ordered.map((s) => [s.name, s]));
  const started = new Map<string, Promise<void>>();
  const launch = (service: T): Promise<void> => {
    let promise = started.get(service.name);
    if (!promise) {
      promise = Promise.all(service.dependsOn.map((dep) => launch(byName.get(dep)!))).then(() => start(service));
      started.set(service.name, promise);
    }
    return promise;
  };
  const results = await Promise.allSettled(ordered.map(launch));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
