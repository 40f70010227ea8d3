// Decides one IAM request with @cloud-copilot/iam-simulate — a maintained implementation of AWS's policy
// evaluation logic (explicit Deny over Allow, wildcards, NotAction/NotResource, every condition operator,
// resource policies, permissions boundaries) — and says which policy type denied it, for AWS's message.
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from '../../../aws/authz/iam-request.ts';
import type { IdentityPolicies } from './principal-policies.ts';

export type Decision =
  | { allowed: true }
  /** `policy`: the policy type IAM names in its message; `explicit`: a Deny statement matched. */
  | { allowed: false; explicit: boolean; policy: 'identity' | 'resource' | 'boundary' };

export interface EvaluationRequest {
  /** The caller's ARN as IAM's messages print it (`arn:aws:sts::A:assumed-role/R/S`, a user's ARN, a service principal). */
  principal: string;
  /** The account the resource belongs to (the caller's, for everything Berth serves). */
  resourceAccount: string;
  request: IamRequest;
  /** Global condition keys (aws:PrincipalArn, aws:CurrentTime, …), merged under the request's own keys. */
  globals: Record<string, string | string[]>;
  policies: IdentityPolicies;
}

/** Evaluates in the library's validating mode; a request it cannot validate is evaluated unvalidated. */
export async function evaluate(input: EvaluationRequest): Promise<Decision> {
  const simulation = simulationOf(input);
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    // The library refuses requests its data does not describe (an action newer than its data, a context key it does
    // not know for the action); AWS would still decide them, so decide without the validation.
    const decided = runUnsafeSimulation(simulation, {});
    return decided === 'Allowed' ? { allowed: true } : { allowed: false, explicit: decided === 'ExplicitlyDenied', policy: 'identity' };
  }
  if (result.overallResult === 'Allowed') return { allowed: true };
  const analyses = result.resultType === 'single' ? [result.result.analysis] : result.results.map((r) => r.analysis);
  const analysis = analyses.find((a) => a.result !== 'Allowed') ?? analyses[0];
  const explicit = result.overallResult === 'ExplicitlyDenied';
  if (!analysis) return { allowed: false, explicit, policy: 'identity' };
  // IAM names the first policy type in its evaluation order that denied: identity, then resource, then boundary.
  if (explicit) {
    if ((analysis.identityAnalysis?.denyStatements.length ?? 0) > 0) return { allowed: false, explicit, policy: 'identity' };
    if ((analysis.resourceAnalysis?.denyStatements.length ?? 0) > 0) return { allowed: false, explicit, policy: 'resource' };
    if ((analysis.permissionBoundaryAnalysis?.denyStatements.length ?? 0) > 0) return { allowed: false, explicit, policy: 'boundary' };
    return { allowed: false, explicit, policy: 'identity' };
  }
  const blocked = analysis.blockedBy ?? [];
  if (blocked.includes('identity')) return { allowed: false, explicit, policy: 'identity' };
  if (blocked.includes('pb')) return { allowed: false, explicit, policy: 'boundary' };
  if (blocked.includes('resource')) return { allowed: false, explicit, policy: 'resource' };
  return { allowed: false, explicit, policy: 'identity' };
}

function simulationOf(input: EvaluationRequest): Simulation {
  const { request, policies } = input;
  return {
    request: {
      principal: input.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: input.resourceAccount },
      contextVariables: { ...input.globals, ...request.context },
    },
    identityPolicies: policies.identity.map((p) => ({ name: p.name, policy: p.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy !== undefined ? { resourcePolicy: JSON.parse(request.resourcePolicy) as unknown } : {}),
    ...(policies.boundary ? { permissionBoundaryPolicies: [{ name: policies.boundary.name, policy: policies.boundary.document }] } : {}),
  };
}

/**
 * IAM's access-denied text (IAM User Guide, "Troubleshoot access denied error messages"):
 * `User: P is not authorized to perform: A on resource: R because no identity-based policy allows the A action`,
 * or `… with an explicit deny in an identity-based policy` (resource-based policy, permissions boundary).
 */
export function denialMessage(principal: string, request: IamRequest, decision: Exclude<Decision, { allowed: true }>): string {
  const head = `User: ${principal} is not authorized to perform: ${request.action} on resource: ${request.resource}`;
  // STS words AssumeRole refusals without the policy-type reason (see src/services/sts/assume-role.ts).
  if (request.action.startsWith('sts:AssumeRole')) return head;
  const kind = decision.policy === 'identity' ? 'identity-based policy' : decision.policy === 'resource' ? 'resource-based policy' : 'permissions boundary';
  if (decision.explicit) return `${head} with an explicit deny in ${decision.policy === 'identity' ? 'an' : 'a'} ${kind}`;
  return `${head} because no ${kind} allows the ${request.action} action`;
}
