// The calls the benchmark measures (a read, a list, a write of ECS task definitions), each with the
// setup it needs on a fresh server, and the check that makes a wrong answer count as an error.
import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import type { Invoke } from './load.ts';

export interface BenchCall {
  /** The row label. */
  name: string;
  /** What one measured call is, for the report's notes. */
  description: string;
  /** Creates what the call needs on this server, then hands back the call. Rejects if setup fails. */
  prepare(ecs: ECSClient): Promise<PreparedCall>;
}

export interface PreparedCall {
  invoke: Invoke;
  /** Something about this server's answers worth a line in the report (e.g. pages per listing). */
  note?: string;
}

/** A call answered, but not with what AWS would answer. Counts as an error. */
export class WrongAnswerError extends Error {
  override readonly name = 'WrongAnswerError';
  readonly code = 'BENCH_WRONG_ANSWER';
}

const READ_FAMILY = 'bench-read';
const READ_REVISIONS = 3;
const LIST_FAMILIES = ['bench-list-api', 'bench-list-worker', 'bench-list-web', 'bench-list-cron'];
const LIST_REVISIONS_PER_FAMILY = 50;
const WRITE_FAMILY = 'bench-write';
const SETUP_CONCURRENCY = 8;
/** A listing that needs more pages than this is looping (e.g. a nextToken that never ends). */
const MAX_LIST_PAGES = 100;

/**
 * A Fargate task definition as people write them (after the api-service example in
 * /work/shared/seeds/: awsvpc, execution and task roles, awslogs, secrets, a health check).
 */
export function fargateTaskDefinition(family: string, variant: number): RegisterTaskDefinitionCommandInput {
  return {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    taskRoleArn: 'arn:aws:iam::123456789012:role/api-task-role',
    containerDefinitions: [{
      name: 'api',
      image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/myapp/api:v1.${variant}.0`,
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      environment: [
        { name: 'APP_ENV', value: 'production' },
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'BUILD', value: String(variant) },
      ],
      secrets: [
        { name: 'DATABASE_URL', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-url-AbCdEf' },
        { name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key' },
      ],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'api' },
      },
      healthCheck: {
        command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'],
        interval: 30, timeout: 5, retries: 3, startPeriod: 60,
      },
      linuxParameters: { initProcessEnabled: true },
    }],
    runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
  };
}

async function register(ecs: ECSClient, family: string, variant: number): Promise<number> {
  const out = await ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDefinition(family, variant)));
  const revision = out.taskDefinition?.revision;
  if (out.taskDefinition?.family !== family || typeof revision !== 'number' || revision < 1 || !out.taskDefinition.taskDefinitionArn) {
    throw new WrongAnswerError(`RegisterTaskDefinition(${family}) answered no family/revision/ARN: ${JSON.stringify(out.taskDefinition ?? null).slice(0, 200)}`);
  }
  return revision;
}

/** Registers `count` revisions of each family, SETUP_CONCURRENCY at a time (bounded: count × families calls). */
async function registerMany(ecs: ECSClient, families: readonly string[], count: number): Promise<void> {
  const jobs = families.flatMap((family) => Array.from({ length: count }, (_, i) => ({ family, variant: i })));
  let next = 0;
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as (typeof jobs)[number];
      await register(ecs, job.family, job.variant);
    }
  }));
}

/** Every ACTIVE task definition ARN, following nextToken like `aws ecs list-task-definitions` does. */
async function listAll(ecs: ECSClient): Promise<{ arns: string[]; pages: number }> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 1; page <= MAX_LIST_PAGES; page++) {
    const out = await ecs.send(new ListTaskDefinitionsCommand({ nextToken }));
    arns.push(...(out.taskDefinitionArns ?? []));
    nextToken = out.nextToken;
    if (nextToken === undefined || nextToken === '') return { arns, pages: page };
  }
  throw new WrongAnswerError(`ListTaskDefinitions still had a nextToken after ${MAX_LIST_PAGES} pages`);
}

const describeTaskDefinition: BenchCall = {
  name: 'DescribeTaskDefinition',
  description: `DescribeTaskDefinition of family '${READ_FAMILY}' (no revision: the latest of ${READ_REVISIONS}).`,
  async prepare(ecs) {
    await registerMany(ecs, [READ_FAMILY], READ_REVISIONS);
    return { invoke: async () => {
      const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: READ_FAMILY }));
      const td = out.taskDefinition;
      if (td?.family !== READ_FAMILY || td.revision !== READ_REVISIONS || td.containerDefinitions?.[0]?.name !== 'api') {
        throw new WrongAnswerError(`DescribeTaskDefinition(${READ_FAMILY}) answered ${td?.family}:${td?.revision}, expected ${READ_FAMILY}:${READ_REVISIONS}`);
      }
    } };
  },
};

const listTaskDefinitions: BenchCall = {
  name: 'ListTaskDefinitions',
  description: `ListTaskDefinitions of all ${LIST_FAMILIES.length * LIST_REVISIONS_PER_FAMILY + READ_REVISIONS} ACTIVE revisions `
    + `(${LIST_FAMILIES.length} families × ${LIST_REVISIONS_PER_FAMILY}, plus '${READ_FAMILY}'), following nextToken to the last page `
    + '(default page size; AWS pages by 100); one measured call = the whole listing.',
  async prepare(ecs) {
    await registerMany(ecs, LIST_FAMILIES, LIST_REVISIONS_PER_FAMILY);
    const first = await listAll(ecs);
    const expected = LIST_FAMILIES.length * LIST_REVISIONS_PER_FAMILY + READ_REVISIONS;
    if (first.arns.length !== expected) throw new WrongAnswerError(`ListTaskDefinitions listed ${first.arns.length} ARNs after ${expected} registrations`);
    const invoke = async (): Promise<void> => {
      const { arns } = await listAll(ecs);
      const distinct = new Set(arns).size;
      if (arns.length !== expected || distinct !== expected) {
        throw new WrongAnswerError(`ListTaskDefinitions listed ${arns.length} ARNs (${distinct} distinct), expected ${expected}`);
      }
    };
    return { invoke, note: `${first.pages} page(s) per listing of ${expected} ARNs` };
  },
};

const registerTaskDefinition: BenchCall = {
  name: 'RegisterTaskDefinition',
  description: `RegisterTaskDefinition of a new revision of '${WRITE_FAMILY}' (a Fargate task definition like the seeds').`,
  async prepare(ecs) {
    let variant = 0;
    return { invoke: async () => {
      await register(ecs, WRITE_FAMILY, variant++);
    } };
  },
};

/** In the order they run: the list before the write, so the write's revisions do not change what is listed. */
export const BENCH_CALLS: readonly BenchCall[] = [describeTaskDefinition, listTaskDefinitions, registerTaskDefinition];
