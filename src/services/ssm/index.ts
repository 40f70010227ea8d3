// AWS Systems Manager Parameter Store: parameters, versions, labels; SecureString values sealed with the SecretBox.
// Only Parameter Store's operations are served; SSM's others answer NotImplemented (LIMITATIONS.md).
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { Scope, Store } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { ValidationException } from './errors.ts';
import { ssmIam } from './iam-requests.ts';
import { labelOperations } from './labels.ts';
import { parameterOperations } from './parameters.ts';
import { putParameterOperations } from './put-parameter.ts';
import { queryOperations } from './queries.ts';
import { resolveSelector } from './records.ts';
import { tagOperations } from './tags.ts';

export interface SsmParts {
  /** Seals SecureString values before they reach the store. */
  box: SecretBox;
}

export function createSsmService(deps: ServiceDeps, parts: SsmParts): AwsService {
  return {
    name: 'ssm',
    model: ModelIndex.load('ssm'),
    operations: {
      ...putParameterOperations(deps, parts.box),
      ...parameterOperations(deps, parts.box),
      ...queryOperations(deps, parts.box),
      ...labelOperations(deps),
      ...tagOperations(deps),
    },
    validationError: (message) => new ValidationException(message),
    iam: ssmIam(deps),
  };
}

/**
 * A parameter's value in clear, for the platform (secrets injected into tasks): `nameOrArn` is a name (`/prod/api-key`),
 * a parameter ARN, either with an optional `:version` or `:label`. Throws what GetParameter would (ParameterNotFound,
 * ParameterVersionNotFound). An ARN is looked up in its own region; its account must be `scope`'s (Berth shares none).
 */
export async function readParameterValue(store: Store, box: SecretBox, scope: Scope, nameOrArn: string): Promise<string> {
  const arnRegion = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):/.exec(nameOrArn)?.[1];
  const where = arnRegion === undefined ? scope : { account: scope.account, region: arnRegion };
  const { version } = await store.read((tx) => resolveSelector(tx, where, nameOrArn));
  return version.type === 'SecureString' ? box.openText(version.value) : version.value;
}
