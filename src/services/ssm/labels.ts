// Version labels: LabelParameterVersion (a label moves to the version named) and UnlabelParameterVersion.
import type {
  LabelParameterVersionRequest, LabelParameterVersionResult, UnlabelParameterVersionRequest, UnlabelParameterVersionResult,
} from '@aws-sdk/client-ssm';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { ParameterNotFound, ParameterVersionLabelLimitExceeded, ParameterVersionNotFound } from './errors.ts';
import { labelProblem } from './names.ts';
import { findParameter, latest, putParameterRecord, type ParameterVersionRecord } from './records.ts';

/** "A version of a parameter can have a maximum of 10 labels" (Parameter Store user guide, Labeling parameters). */
export const MAX_LABELS_PER_VERSION = 10;

export interface Labelling {
  versions: ParameterVersionRecord[];
  invalid: string[];
}

/**
 * Attaches `labels` to version `target`: refused labels are returned, not thrown; a label another version carries
 * moves ("a label can only be attached to one version of a parameter at a time"); past 10 on the version, nothing changes.
 */
export function applyLabels(versions: readonly ParameterVersionRecord[], target: number, labels: readonly string[]): Labelling {
  const invalid = labels.filter((l) => labelProblem(l) !== undefined);
  const valid = [...new Set(labels.filter((l) => labelProblem(l) === undefined))];
  const next = versions.map((v) => (v.version === target
    ? { ...v, labels: [...v.labels, ...valid.filter((l) => !v.labels.includes(l))] }
    : { ...v, labels: v.labels.filter((l) => !valid.includes(l)) }));
  const labelled = next.find((v) => v.version === target);
  if (labelled && labelled.labels.length > MAX_LABELS_PER_VERSION) throw new ParameterVersionLabelLimitExceeded();
  return { versions: next, invalid };
}

export function labelOperations(deps: ServiceDeps) {
  return {
    LabelParameterVersion: async (input: LabelParameterVersionRequest, ctx) => {
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        const record = await findParameter(tx, scope, input.Name ?? '');
        if (!record) throw new ParameterNotFound();
        const target = input.ParameterVersion ?? latest(record).version;
        if (!record.versions.some((v) => v.version === target)) throw new ParameterVersionNotFound(record.name, String(target));
        const { versions, invalid } = applyLabels(record.versions, target, input.Labels ?? []);
        await putParameterRecord(tx, scope, { ...record, versions });
        return { InvalidLabels: invalid, ParameterVersion: target };
      });
    },
    UnlabelParameterVersion: async (input: UnlabelParameterVersionRequest, ctx) => {
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        const record = await findParameter(tx, scope, input.Name ?? '');
        if (!record) throw new ParameterNotFound();
        const target = record.versions.find((v) => v.version === input.ParameterVersion);
        if (!target) throw new ParameterVersionNotFound(record.name, String(input.ParameterVersion));
        const asked = [...new Set(input.Labels ?? [])];
        const removed = asked.filter((l) => target.labels.includes(l));
        const versions = record.versions.map((v) => (v === target ? { ...v, labels: v.labels.filter((l) => !removed.includes(l)) } : v));
        await putParameterRecord(tx, scope, { ...record, versions });
        return { RemovedLabels: removed, InvalidLabels: asked.filter((l) => !removed.includes(l)) };
      });
    },
  } satisfies ServiceOperations<{
    LabelParameterVersion: [LabelParameterVersionRequest, LabelParameterVersionResult];
    UnlabelParameterVersion: [UnlabelParameterVersionRequest, UnlabelParameterVersionResult];
  }>;
}
