/**
 * Can these teams play side by side on one machine? A pack that pins its Docker networks' subnets (a routed
 * lab such as tgw-routes: the learner reads fixed addresses in route tables) cannot run twice on one Docker
 * engine: the second run's networks collide with the first's ("Pool overlaps with other one on this
 * address space") and that team's sandbox fails mid-game. The runner refuses such a game before anything
 * starts and says what to do instead. Runs on Kubernetes get their own namespace and no Docker network, so
 * pinned subnets do not clash there.
 */
export interface TeamNetworks {
  team: string;
  scenario: string;
  /** The runtime the team's run would use. */
  runtime: string;
  subnets: { network: string; cidr: string }[];
}

function range(cidr: string): [number, number] | null {
  const [ip, bits] = cidr.split('/');
  const octets = (ip ?? '').split('.').map(Number);
  const prefix = Number(bits);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return null;
  const base = ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
  const size = 2 ** (32 - prefix);
  const start = base - (base % size);
  return [start, start + size - 1];
}

export function overlaps(a: string, b: string): boolean {
  const x = range(a);
  const y = range(b);
  return x !== null && y !== null && x[0] <= y[1] && y[0] <= x[1];
}

/** Why these teams cannot share one Docker engine, or null when they can. */
export function subnetClash(teams: readonly TeamNetworks[]): string | null {
  const docker = teams.filter((t) => t.runtime === 'docker' && t.subnets.length > 0);
  for (let i = 0; i < docker.length; i++) {
    for (let j = i + 1; j < docker.length; j++) {
      const a = docker[i]!;
      const b = docker[j]!;
      for (const x of a.subnets) {
        const y = b.subnets.find((s) => overlaps(x.cidr, s.cidr));
        if (!y) continue;
        const what =
          a.scenario === b.scenario
            ? `both play ${a.scenario}, whose network ${x.network} has the fixed subnet ${x.cidr}`
            : `${a.scenario}'s network ${x.network} (${x.cidr}) overlaps ${b.scenario}'s ${y.network} (${y.cidr})`;
        return (
          `teams ${a.team} and ${b.team} cannot play side by side on one Docker engine: ${what}, and two Docker networks cannot share addresses. ` +
          `Give one of them a scenario without fixed subnets, run the game on the Kubernetes runtime (one namespace per team), or play ${a.scenario} one team at a time.`
        );
      }
    }
  }
  return null;
}
