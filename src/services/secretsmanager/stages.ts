// Staging labels as a pure function of a secret's versions: a new version taking labels (PutSecretValue,
// UpdateSecret) and UpdateSecretVersionStage's moves. A label sits on at most one version; when AWSCURRENT
// moves, the version that held it takes AWSPREVIOUS (Secrets Manager user guide, "Secret versions").
import { InvalidParameterException, LimitExceededException } from './errors.ts';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPREVIOUS = 'AWSPREVIOUS';
/** "You can attach up to 20 staging labels to a version" (UpdateSecretVersionStage API reference). */
export const MAX_STAGES_PER_VERSION = 20;

/** versionId → its staging labels. */
export type StageMap = Readonly<Record<string, readonly string[]>>;

function holderOf(map: StageMap, stage: string): string | undefined {
  return Object.keys(map).find((id) => map[id]?.includes(stage));
}

function copy(map: StageMap): Record<string, string[]> {
  return Object.fromEntries(Object.entries(map).map(([id, stages]) => [id, [...stages]]));
}

function take(map: Record<string, string[]>, stage: string, to: string): void {
  const from = holderOf(map, stage);
  if (from === to) return;
  if (from !== undefined) map[from] = (map[from] ?? []).filter((s) => s !== stage);
  if (stage === AWSCURRENT && from !== undefined) take(map, AWSPREVIOUS, from);
  map[to] = [...(map[to] ?? []), stage];
}

function checkLimit(map: Record<string, string[]>): Record<string, string[]> {
  for (const stages of Object.values(map)) {
    // Not verified: the text.
    if (stages.length > MAX_STAGES_PER_VERSION) throw new LimitExceededException(`A version can have no more than ${MAX_STAGES_PER_VERSION} staging labels.`);
  }
  return map;
}

/** The stages after version `versionId` (new or existing) takes `labels`; each label leaves its former version. */
export function attachStages(map: StageMap, versionId: string, labels: readonly string[]): Record<string, string[]> {
  const next = copy(map);
  next[versionId] ??= [];
  const wanted = new Set(labels);
  // AWSPREVIOUS is the former AWSCURRENT's once AWSCURRENT moves here, whatever else the caller asked (Not verified).
  if (wanted.has(AWSCURRENT) && holderOf(next, AWSCURRENT) !== versionId) wanted.delete(AWSPREVIOUS);
  for (const label of wanted) take(next, label, versionId);
  return checkLimit(next);
}

export interface StageMove {
  stage: string;
  moveToVersionId?: string | undefined;
  removeFromVersionId?: string | undefined;
}

/** UpdateSecretVersionStage: versions named must exist in `map` (the caller checks and answers for that). */
export function moveStage(map: StageMap, move: StageMove): Record<string, string[]> {
  const { stage, moveToVersionId: to, removeFromVersionId: from } = move;
  const holder = holderOf(map, stage);
  // Not verified: the three texts below.
  if (from !== undefined && holder !== from) {
    throw new InvalidParameterException(`The staging label ${stage} is not attached to the version ${from}.`);
  }
  const next = copy(map);
  if (to === undefined) {
    if (from === undefined) throw new InvalidParameterException('You must specify MoveToVersionId, RemoveFromVersionId, or both.');
    if (stage === AWSCURRENT) throw new InvalidParameterException(`You can only move staging label ${AWSCURRENT} to a different secret version. It can't be completely removed.`);
    next[from] = (next[from] ?? []).filter((s) => s !== stage);
    return next;
  }
  if (holder !== undefined && holder !== to && from === undefined) {
    throw new InvalidParameterException(`The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.`);
  }
  take(next, stage, to);
  return checkLimit(next);
}
