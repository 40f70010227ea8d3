// least_outstanding_requests: the target with the fewest requests in flight (relative to its weight); ties go
// round robin, so an idle group still spreads its requests.
import { RoundRobin } from './round-robin.ts';
import type { Selectable, Selector } from './selector.ts';

export class LeastOutstandingRequests implements Selector {
  readonly #tieBreak = new RoundRobin();

  select<T extends Selectable>(candidates: readonly T[]): T | undefined {
    let best: T[] = [];
    let bestScore = Infinity;
    for (const candidate of candidates) {
      if (candidate.weight <= 0) continue;
      const score = candidate.inFlight / candidate.weight;
      if (score < bestScore) {
        best = [candidate];
        bestScore = score;
      } else if (score === bestScore) {
        best.push(candidate);
      }
    }
    if (best.length <= 1) return best[0];
    const chosen = this.#tieBreak.select(best.map((c) => ({ key: c.key, inFlight: c.inFlight, weight: 1 })));
    return best.find((c) => c.key === chosen?.key);
  }
}
