// slow_start.duration_seconds: a target that has just turned healthy gets a share of requests that grows
// linearly to its full share over the duration (ALB "Slow start mode"). A target leaves slow start when the
// duration has passed. The ramp starts at a small floor, not 0, so the new target does receive its first
// request (Not verified: AWS does not document the ramp's first step).

const FLOOR = 0.05;

/** The weight in (0, 1] of a target that turned healthy at `healthySince` (epoch ms), at `now`. */
export function slowStartWeight(healthySince: number | undefined, now: number, durationSeconds: number): number {
  if (durationSeconds <= 0 || healthySince === undefined) return 1;
  const elapsed = (now - healthySince) / (durationSeconds * 1000);
  if (elapsed >= 1) return 1;
  return Math.max(FLOOR, elapsed);
}
