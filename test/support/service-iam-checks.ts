// Checks a service's IamRequests with @cloud-copilot/iam-simulate in its validating (strict) mode: the action
// exists, the resource ARN fits one of the action's resource types (AWS's Service Authorization Reference, as
// iam-data records it), and every condition key set is one IAM knows for that action and resource type.
// The simulation itself is iam-map-simulation.ts's.
import assert from 'node:assert/strict';
import { isWildcardOnlyAction, type RunSimulationResults } from '@cloud-copilot/iam-simulate';
import type { IamRequest, ServiceIam } from '../../src/aws/authz/iam-request.ts';
import { iamRequestsFor } from '../../src/aws/authz/iam-request.ts';
import type { RequestContext } from '../../src/aws/context.ts';
import { ignoredContextKeys, simulate } from './iam-map-simulation.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/app/session`;

/** A role session's request context in ACCOUNT and REGION: the kind of caller whose requests Berth authorizes. */
export function roleContext(now = new Date('2025-01-01T00:00:00Z')): RequestContext {
  return {
    requestId: 'iam-test', region: REGION, now,
    principal: {
      accountId: ACCOUNT, arn: SESSION_ARN, userId: 'AROAEXAMPLE:session', accessKeyId: 'ASIAEXAMPLE', kind: 'assumed-role',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/app`,
    },
  };
}

type Statement = Record<string, unknown>;

const ALLOW_ALL: Statement = { Effect: 'Allow', Action: '*', Resource: '*' };

/** One request in strict mode under the given identity statements (allow-all by default), as a role session in ACCOUNT. */
export async function simulateRequest(request: IamRequest, statements: Statement[] = [ALLOW_ALL]): Promise<RunSimulationResults> {
  return simulate(request, { principal: SESSION_ARN, policy: { Version: '2012-10-17', Statement: statements }, account: ACCOUNT });
}

export interface ValidOptions {
  /** The resource may hold `*` although the action has resource types (AWS evaluates `*` or a pattern there). */
  wildcardResource?: boolean;
}

/**
 * Asserts the request validates and an allow-all identity policy allows it; that `*` stands alone only for
 * wildcard-only actions (unless `wildcardResource`); that a concrete ARN fits exactly one resource type; and that
 * no condition key was dropped as unknown for the action.
 */
export async function assertValidRequest(label: string, request: IamRequest, options: ValidOptions = {}): Promise<void> {
  const [service = '', action = ''] = request.action.split(':');
  if (request.resource === '*' && !options.wildcardResource) {
    assert.ok(await isWildcardOnlyAction(service, action), `${label}: ${request.action} has resource types, yet the resource is *`);
  }
  const result = await simulateRequest(request);
  const where = `${label}: ${request.action} on ${request.resource}`;
  if (result.resultType === 'error') assert.fail(`${where}: ${JSON.stringify(result.errors)}`);
  assert.equal(result.overallResult, 'Allowed', where);
  assert.deepEqual(ignoredContextKeys(result), [], `${where}: condition keys IAM does not know for it`);
  if (!request.resource.includes('*')) assert.equal(result.resultType, 'single', where);
}

/**
 * For every operation the service serves: a representative input must exist, its mapping must ask something of
 * IAM, and every request must validate (so a newly served operation without a valid mapping fails).
 */
export async function assertEveryOperationMaps(operations: Record<string, unknown>, iam: ServiceIam,
  inputs: Record<string, object>, ctx: RequestContext, options: Record<string, ValidOptions> = {}): Promise<void> {
  for (const operation of Object.keys(operations)) {
    const input = inputs[operation];
    assert.ok(input, `no representative input for ${operation}: add one and check its IAM mapping`);
    const requests = await iamRequestsFor(iam, operation, input, ctx);
    assert.ok(requests.length > 0, `${operation} asks nothing of IAM`);
    for (const request of requests) await assertValidRequest(operation, request, options[operation]);
  }
}

/** The overall result under allow-all plus a Deny of the request's action on exactly `resource`. */
export async function resultWithDeny(request: IamRequest, resource = request.resource): Promise<string> {
  const result = await simulateRequest(request, [ALLOW_ALL, { Effect: 'Deny', Action: request.action, Resource: resource }]);
  return result.resultType === 'error' ? `error: ${result.errors.message}` : result.overallResult;
}
