// round_robin: each target in turn, in proportion to its weight (smooth weighted round robin, as nginx's
// upstream module does it: every pick adds each weight to its target's credit, the richest wins and pays the
// total). With equal weights that is strict rotation; state is the credit per target key.
import type { Selectable, Selector } from './selector.ts';

export class RoundRobin implements Selector {
  readonly #credit = new Map<string, number>();

  select<T extends Selectable>(candidates: readonly T[]): T | undefined {
    let best: T | undefined;
    let bestCredit = -Infinity;
    let total = 0;
    const present = new Set<string>();
    for (const candidate of candidates) {
      present.add(candidate.key);
      if (candidate.weight <= 0) continue;
      total += candidate.weight;
      const credit = (this.#credit.get(candidate.key) ?? 0) + candidate.weight;
      this.#credit.set(candidate.key, credit);
      if (credit > bestCredit) {
        best = candidate;
        bestCredit = credit;
      }
    }
    for (const key of this.#credit.keys()) if (!present.has(key)) this.#credit.delete(key);
    if (best) this.#credit.set(best.key, bestCredit - total);
    return best;
  }
}
