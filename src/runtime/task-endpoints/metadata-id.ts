// The id in a container's ECS_CONTAINER_METADATA_URI_V4: `<task id>-<10 digits>` as Fargate writes it
// (`http://169.254.170.2/v4/cd189a933e5849daa93386466019ab50-2495160603` in AWS's Fargate examples).
// Berth derives the digits from the task id and the container name, so the id needs no storage: the
// task runner computes it when it sets the variable, and the directory recomputes it to map an id back.
import { createHash } from 'node:crypto';

const DIGITS = 10n ** 10n;
const METADATA_ID = /^([0-9a-f]{32})-(\d{10})$/;

/** The metadata id of `containerName` in task `taskId` (32 hex): deterministic, one per container of a task. */
export function metadataIdFor(taskId: string, containerName: string): string {
  // A hash, not a counter: the same container gets the same id after a Berth restart, and the ids of two
  // containers of a task differ (a collision needs two names whose hashes agree modulo 10^10).
  const digest = createHash('sha256').update(`${taskId}\n${containerName}`).digest();
  const digits = digest.readBigUInt64BE(0) % DIGITS;
  return `${taskId}-${digits.toString().padStart(10, '0')}`;
}

/** The task id a well-formed metadata id starts with; undefined for anything else. */
export function taskIdOfMetadataId(metadataId: string): string | undefined {
  return METADATA_ID.exec(metadataId)?.[1];
}

/** The container of `names` whose metadata id in task `taskId` is `metadataId`, if any. */
export function containerOfMetadataId(metadataId: string, taskId: string, names: readonly string[]): string | undefined {
  return names.find((name) => metadataIdFor(taskId, name) === metadataId);
}

/** The value of ECS_CONTAINER_METADATA_URI_V4 for a container (the endpoint always answers at 169.254.170.2:80). */
export function metadataUriFor(taskId: string, containerName: string): string {
  return `http://169.254.170.2/v4/${metadataIdFor(taskId, containerName)}`;
}
