// Spreading a service's tasks across availability zones (ecs-behaviour.md §2: "Fargate spreads tasks
// across AZs when launching and stopping"): new tasks go to the zone with the fewest of the service's
// tasks, then to its emptiest subnet; scale-in takes from the fullest zone. Pure.
import type { ObservedTask } from './model.ts';

/** One subnet per new task, in the zones (and subnets) that hold the fewest of `existing`. */
export function chooseSubnets(count: number, subnetIds: readonly string[], subnetZones: Readonly<Record<string, string>>,
  existing: readonly ObservedTask[]): string[] {
  if (subnetIds.length === 0) return [];
  const perZone = new Map<string, number>();
  const perSubnet = new Map<string, number>();
  for (const subnetId of subnetIds) {
    perSubnet.set(subnetId, 0);
    perZone.set(zoneOf(subnetId, subnetZones), 0);
  }
  for (const task of existing) {
    const zone = task.availabilityZone;
    if (perZone.has(zone)) perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    if (perSubnet.has(task.subnetId)) perSubnet.set(task.subnetId, (perSubnet.get(task.subnetId) ?? 0) + 1);
  }
  const chosen: string[] = [];
  for (let i = 0; i < count; i += 1) {
    let best: string | undefined;
    for (const subnetId of subnetIds) {
      if (best === undefined) {
        best = subnetId;
        continue;
      }
      const zoneDiff = (perZone.get(zoneOf(subnetId, subnetZones)) ?? 0) - (perZone.get(zoneOf(best, subnetZones)) ?? 0);
      const subnetDiff = (perSubnet.get(subnetId) ?? 0) - (perSubnet.get(best) ?? 0);
      if (zoneDiff < 0 || (zoneDiff === 0 && subnetDiff < 0)) best = subnetId;
    }
    if (best === undefined) break;
    chosen.push(best);
    perSubnet.set(best, (perSubnet.get(best) ?? 0) + 1);
    const zone = zoneOf(best, subnetZones);
    perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
  }
  return chosen;
}

function zoneOf(subnetId: string, subnetZones: Readonly<Record<string, string>>): string {
  return subnetZones[subnetId] ?? subnetId;
}

/**
 * `count` of `candidates` to stop, taken one at a time from the zone where the service (`all`) has the
 * most tasks; candidates earlier in the list go first within a zone.
 */
export function chooseToStop(count: number, candidates: readonly ObservedTask[], all: readonly ObservedTask[]): ObservedTask[] {
  const perZone = new Map<string, number>();
  for (const task of all) perZone.set(task.availabilityZone, (perZone.get(task.availabilityZone) ?? 0) + 1);
  const left = [...candidates];
  const chosen: ObservedTask[] = [];
  while (chosen.length < count && left.length > 0) {
    let bestIndex = 0;
    for (let i = 1; i < left.length; i += 1) {
      const a = left[i];
      const b = left[bestIndex];
      if (a && b && (perZone.get(a.availabilityZone) ?? 0) > (perZone.get(b.availabilityZone) ?? 0)) bestIndex = i;
    }
    const [task] = left.splice(bestIndex, 1);
    if (!task) break;
    chosen.push(task);
    perZone.set(task.availabilityZone, (perZone.get(task.availabilityZone) ?? 0) - 1);
  }
  return chosen;
}
