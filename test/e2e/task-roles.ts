// The IAM roles tasks run with, created as the seeds' labs create them: the execution role trusted by
// ecs-tasks.amazonaws.com with AmazonECSTaskExecutionRolePolicy (ECR pulls, awslogs streams), and task roles.
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand, type IAMClientConfig } from '@aws-sdk/client-iam';

export const ECS_TASKS_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export const EXECUTION_ROLE_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';

/**
 * Creates a role ECS may assume for tasks, with `inline` policies (name → document) and `managed` policy ARNs;
 * answers its ARN.
 */
export async function createTaskRole(config: IAMClientConfig, name: string, options: { inline?: Record<string, object>; managed?: string[]; trust?: string } = {}):
  Promise<string> {
  const iam = new IAMClient(config);
  try {
    const created = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: options.trust ?? ECS_TASKS_TRUST }));
    for (const arn of options.managed ?? []) await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }));
    for (const [policyName, document] of Object.entries(options.inline ?? {})) {
      await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: policyName, PolicyDocument: JSON.stringify(document) }));
    }
    return created.Role?.Arn ?? '';
  } finally {
    iam.destroy();
  }
}

/** `ecsTaskExecutionRole` as the seeds create it (AmazonECSTaskExecutionRolePolicy attached); answers its ARN. */
export async function createExecutionRole(config: IAMClientConfig, name = 'ecsTaskExecutionRole'): Promise<string> {
  return createTaskRole(config, name, { managed: [EXECUTION_ROLE_POLICY_ARN] });
}
