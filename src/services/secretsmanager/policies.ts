// Resource policies on secrets: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy and
// ValidateResourcePolicy. Berth checks that a policy is a well-formed policy document; it does not yet
// evaluate policies (IAM evaluation comes with issue 5's requirement 4) nor check them for public access.
import type {
  DeleteResourcePolicyRequest, DeleteResourcePolicyResponse, GetResourcePolicyRequest, GetResourcePolicyResponse,
  PutResourcePolicyRequest, PutResourcePolicyResponse, ValidateResourcePolicyRequest, ValidateResourcePolicyResponse,
  ValidationErrorsEntry,
} from '@aws-sdk/client-secrets-manager';
import type { ServiceOperations } from '../../aws/service.ts';
import { regionalScope } from '../common/scope.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { MALFORMED_POLICY, MalformedPolicyDocumentException } from './errors.ts';
import { putSecret, requireLiveSecret, requireSecret } from './records.ts';

/** What is wrong with a policy document's syntax (JSON, Version, Statement, Effect); empty when nothing is. */
export function policyProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return [`The policy is not valid JSON: ${(error as Error).message}`];
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['The policy must be a JSON object.'];
  const { Version, Statement } = doc as { Version?: unknown; Statement?: unknown };
  const problems: string[] = [];
  if (Version !== undefined && Version !== '2012-10-17' && Version !== '2008-10-17') problems.push(`Unsupported policy Version: ${JSON.stringify(Version)}.`);
  const statements = Array.isArray(Statement) ? Statement : Statement === undefined ? [] : [Statement];
  if (statements.length === 0) problems.push('The policy has no Statement.');
  statements.forEach((statement: unknown, i) => {
    if (typeof statement !== 'object' || statement === null) {
      problems.push(`Statement ${i} is not an object.`);
      return;
    }
    const s = statement as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') problems.push(`Statement ${i}: Effect must be Allow or Deny.`);
    if (s.Action === undefined && s.NotAction === undefined) problems.push(`Statement ${i}: Action or NotAction is required.`);
  });
  return problems;
}

export function policyOperations(deps: ServiceDeps) {
  return {
    PutResourcePolicy: async (input: PutResourcePolicyRequest, ctx) => {
      const policy = input.ResourcePolicy ?? '';
      if (policyProblems(policy).length > 0) throw new MalformedPolicyDocumentException(MALFORMED_POLICY);
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx): Promise<PutResourcePolicyResponse> => {
        const secret = await requireLiveSecret(tx, scope, input.SecretId ?? '');
        await putSecret(tx, scope, { ...secret, resourcePolicy: policy, blockPublicPolicy: input.BlockPublicPolicy === true, lastChangedDate: ctx.now });
        return { ARN: secret.arn, Name: secret.name };
      });
    },
    GetResourcePolicy: async (input: GetResourcePolicyRequest, ctx) => deps.store.read(async (tx): Promise<GetResourcePolicyResponse> => {
      const secret = await requireSecret(tx, regionalScope(ctx), input.SecretId ?? '');
      return { ARN: secret.arn, Name: secret.name, ResourcePolicy: secret.resourcePolicy };
    }),
    DeleteResourcePolicy: async (input: DeleteResourcePolicyRequest, ctx) => {
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx): Promise<DeleteResourcePolicyResponse> => {
        const { resourcePolicy: _policy, blockPublicPolicy: _block, ...secret } = await requireLiveSecret(tx, scope, input.SecretId ?? '');
        await putSecret(tx, scope, { ...secret, lastChangedDate: ctx.now });
        return { ARN: secret.arn, Name: secret.name };
      });
    },
    ValidateResourcePolicy: async (input: ValidateResourcePolicyRequest, ctx) => {
      if (input.SecretId !== undefined) await deps.store.read((tx) => requireSecret(tx, regionalScope(ctx), input.SecretId ?? ''));
      const problems = policyProblems(input.ResourcePolicy ?? '');
      const ValidationErrors: ValidationErrorsEntry[] = problems.map((ErrorMessage) => ({ CheckName: 'SYNTAX', ErrorMessage }));
      return { PolicyValidationPassed: problems.length === 0, ValidationErrors };
    },
  } satisfies ServiceOperations<{
    PutResourcePolicy: [PutResourcePolicyRequest, PutResourcePolicyResponse];
    GetResourcePolicy: [GetResourcePolicyRequest, GetResourcePolicyResponse];
    DeleteResourcePolicy: [DeleteResourcePolicyRequest, DeleteResourcePolicyResponse];
    ValidateResourcePolicy: [ValidateResourcePolicyRequest, ValidateResourcePolicyResponse];
  }>;
}
