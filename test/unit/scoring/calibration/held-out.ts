/**
 * The held-out part of a calibration corpus: a third of the fresh write-ups of each category, picked once by
 * a fixed seed before any tuning. The pick is a pure function of the file names and the seed, so a test can
 * prove that the list recorded in bands.json is the one the seed gives (nobody re-picked after looking).
 */

/** mulberry32: a small, well-known seeded PRNG (deterministic across platforms). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per category (in name order), a seeded Fisher-Yates shuffle; the first ceil(n/3) are held out. */
export function pickHeldOut(files: { name: string; category: string }[], seed: number): string[] {
  const random = mulberry32(seed);
  const byCategory = new Map<string, string[]>();
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name)))
    byCategory.set(f.category, [...(byCategory.get(f.category) ?? []), f.name]);
  const picked: string[] = [];
  for (const category of [...byCategory.keys()].sort()) {
    const names = [...byCategory.get(category)!];
    for (let i = names.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [names[i], names[j]] = [names[j]!, names[i]!];
    }
    picked.push(...names.slice(0, Math.ceil(names.length / 3)));
  }
  return picked.sort();
}
