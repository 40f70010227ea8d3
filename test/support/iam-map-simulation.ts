// Runs one IamRequest through @cloud-copilot/iam-simulate in its strict, validating mode, so a service's IAM map
// is checked against the Service Authorization Reference data: the action exists, the resource ARN fits one of
// the action's resource types, and every condition key set is one the action knows. Used by every service's
// iam-requests tests (directly, or through service-iam-checks.ts).
import { runSimulation, type RunSimulationResults } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from '../../src/aws/authz/iam-request.ts';

export const TEST_ACCOUNT = '111122223333';
export const TEST_USER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:user/alice`;

export const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** Allow everything, but deny `action` on `resource` explicitly. */
export function denyOn(action: string, resource: string): object {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: action, Resource: resource },
    ],
  };
}

/**
 * The account a resource ARN names; the caller's for `*`, account-less ARNs and AWS managed policies (account
 * field `aws`), which every account reads with its own identity policies (else the simulator sees a cross-account
 * request without a resource policy, and denies it).
 */
export function resourceAccount(resource: string, callerAccount = TEST_ACCOUNT): string {
  const account = resource.split(':')[4];
  return account === undefined || account === '' || account === 'aws' ? callerAccount : account;
}

export interface SimulateOptions {
  /** The caller's ARN (default: TEST_USER_ARN). */
  principal?: string;
  /** The caller's identity policy (default: allow everything). */
  policy?: object;
  /** The caller's account, which owns `*` and account-less resources (default: TEST_ACCOUNT). */
  account?: string;
}

export async function simulate(request: IamRequest, options: SimulateOptions = {}): Promise<RunSimulationResults> {
  return runSimulation({
    request: {
      principal: options.principal ?? TEST_USER_ARN,
      action: request.action,
      resource: { resource: request.resource, accountId: resourceAccount(request.resource, options.account) },
      contextVariables: request.context ?? {},
    },
    identityPolicies: [{ name: 'test', policy: options.policy ?? ALLOW_ALL }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy !== undefined ? { resourcePolicy: JSON.parse(request.resourcePolicy) as unknown } : {}),
  }, {});
}

/** Context keys the simulator dropped because the action does not know them (a mapping that sets a key wrongly). */
export function ignoredContextKeys(result: RunSimulationResults): string[] {
  if (result.resultType === 'error') return [];
  return result.resultType === 'single' ? result.result.ignoredContextKeys ?? [] : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
}

/** A one-line account of a result, for assertion messages. */
export function describeResult(result: RunSimulationResults): string {
  if (result.resultType === 'error') return `error ${JSON.stringify(result.errors)}`;
  const ignored = ignoredContextKeys(result);
  return `${result.resultType} ${result.overallResult}${ignored.length > 0 ? ` ignored context keys: ${ignored.join(', ')}` : ''}`;
}
