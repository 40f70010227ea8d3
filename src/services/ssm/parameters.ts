// Reading and deleting parameters: GetParameter, GetParameters, DeleteParameter, DeleteParameters, GetParameterHistory.
import type {
  DeleteParameterRequest, DeleteParameterResult, DeleteParametersRequest, DeleteParametersResult, GetParameterHistoryRequest,
  GetParameterHistoryResult, GetParameterRequest, GetParameterResult, GetParametersRequest, GetParametersResult, Parameter,
  ParameterHistory,
} from '@aws-sdk/client-ssm';
import { AwsError } from '../../aws/errors.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { Scope } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { InvalidNextToken, ParameterNotFound } from './errors.ts';
import { parameterKey, parseSelector } from './names.ts';
import { arnOf, findParameter, resolveSelector, valueOf, type ParameterRecord, type ParameterVersionRecord, type Resolved } from './records.ts';

/** GetParameterHistory's page size when MaxResults is absent (the model allows 1–50). */
const HISTORY_PAGE = 50;

export function parameterOf(scope: Scope, resolved: Resolved, box: SecretBox, withDecryption: boolean): Parameter {
  const { record, version, selector } = resolved;
  return {
    Name: record.name,
    Type: version.type,
    Value: valueOf(version, box, withDecryption),
    Version: version.version,
    ...(selector.text === undefined ? {} : { Selector: selector.text }),
    LastModifiedDate: version.lastModifiedDate,
    ARN: arnOf(scope, record.name),
    DataType: version.dataType,
  };
}

function historyOf(record: ParameterRecord, version: ParameterVersionRecord, box: SecretBox, withDecryption: boolean): ParameterHistory {
  return {
    Name: record.name,
    Type: version.type,
    KeyId: version.keyId,
    LastModifiedDate: version.lastModifiedDate,
    LastModifiedUser: version.lastModifiedUser,
    Description: version.description,
    Value: valueOf(version, box, withDecryption),
    AllowedPattern: version.allowedPattern,
    Version: version.version,
    Labels: version.labels,
    Tier: version.tier,
    Policies: [],
    DataType: version.dataType,
  };
}

/** A history token: the last version on the page. */
function historyToken(version: number): string {
  return Buffer.from(`v${version}`, 'utf8').toString('base64url');
}

function versionAfter(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const match = /^v(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw new InvalidNextToken();
  return Number(match[1]);
}

export function parameterOperations(deps: ServiceDeps, box: SecretBox) {
  return {
    GetParameter: async (input: GetParameterRequest, ctx) => {
      const scope = regionalScope(ctx);
      const resolved = await deps.store.read((tx) => resolveSelector(tx, scope, input.Name ?? ''));
      return { Parameter: parameterOf(scope, resolved, box, input.WithDecryption === true) };
    },
    GetParameters: async (input: GetParametersRequest, ctx) => {
      const scope = regionalScope(ctx);
      const names = [...new Set(input.Names ?? [])];
      return deps.store.read(async (tx) => {
        const found: Parameter[] = [];
        const invalid: string[] = [];
        for (const name of names) {
          try {
            found.push(parameterOf(scope, await resolveSelector(tx, scope, name), box, input.WithDecryption === true));
          } catch (error) {
            // A name that GetParameter would refuse (missing, or no such version/label) is listed, not thrown.
            if (!(error instanceof AwsError)) throw error;
            invalid.push(name);
          }
        }
        return { Parameters: found, InvalidParameters: invalid };
      });
    },
    DeleteParameter: async (input: DeleteParameterRequest, ctx) => {
      const scope = regionalScope(ctx);
      await deps.store.write(async (tx) => {
        const record = await findParameter(tx, scope, input.Name ?? '');
        if (!record) throw new ParameterNotFound();
        await tx.delete('ssm.parameter', scope, parameterKey(record.name));
      });
      return {};
    },
    DeleteParameters: async (input: DeleteParametersRequest, ctx) => {
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        const deleted: string[] = [];
        const invalid: string[] = [];
        for (const name of [...new Set(input.Names ?? [])]) {
          const record = await findParameter(tx, scope, name);
          if (record) await tx.delete('ssm.parameter', scope, parameterKey(record.name));
          (record ? deleted : invalid).push(name);
        }
        return { DeletedParameters: deleted, InvalidParameters: invalid };
      });
    },
    GetParameterHistory: async (input: GetParameterHistoryRequest, ctx) => {
      const scope = regionalScope(ctx);
      const after = versionAfter(input.NextToken);
      const limit = input.MaxResults ?? HISTORY_PAGE;
      const selector = parseSelector(input.Name ?? '');
      const record = await deps.store.read(async (tx) => {
        if (selector.arn && (selector.arn.account !== scope.account || selector.arn.region !== scope.region)) return undefined;
        return findParameter(tx, scope, selector.name);
      });
      if (!record) throw new ParameterNotFound();
      const rest = record.versions.filter((v) => v.version > after);
      const page = rest.slice(0, limit);
      const last = page[page.length - 1];
      return {
        Parameters: page.map((v) => historyOf(record, v, box, input.WithDecryption === true)),
        ...(rest.length > limit && last ? { NextToken: historyToken(last.version) } : {}),
      };
    },
  } satisfies ServiceOperations<{
    GetParameter: [GetParameterRequest, GetParameterResult];
    GetParameters: [GetParametersRequest, GetParametersResult];
    DeleteParameter: [DeleteParameterRequest, DeleteParameterResult];
    DeleteParameters: [DeleteParametersRequest, DeleteParametersResult];
    GetParameterHistory: [GetParameterHistoryRequest, GetParameterHistoryResult];
  }>;
}
