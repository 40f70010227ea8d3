// Task role credentials: the temporary credentials ECS hands a task with a taskRoleArn at
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (`/v2/credentials/<id>`). The id is minted with the task; the
// credentials are STS's for the session `assumed-role/<role>/<task id>` (ecs-tasks.amazonaws.com assuming the
// role), issued on first use and issued anew before they expire, so a container that keeps asking never holds
// expired ones. Only the task's own address may read them (the endpoint checks it).
import type { IdSource } from '../../platform/ids.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import { SYSTEM_SCOPE } from '../common/scope.ts';
import { taskIdOf } from '../ecs/task-records.ts';
import { assumedRoleArn, parseRoleArn } from '../iam/arns.ts';
import { assumeRoleAsService } from './assume-role.ts';

/** The service principal ECS assumes task roles as. */
const ECS_TASKS = 'ecs-tasks.amazonaws.com';

/**
 * Credentials with less than this left are replaced. The ECS agent refreshes task credentials well before they
 * expire and the AWS SDKs refresh container credentials 5 minutes before Expiration, so half of the default hour
 * leaves both room.
 */
const RENEW_BEFORE_MS = 30 * 60 * 1000;

export interface TaskCredentialsRecord {
  taskArn: string;
  /** Where the task record lives. */
  scope: Scope;
  roleArn: string;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /** id = the credentials id of AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; scope SYSTEM_SCOPE (the endpoint knows only the id). */
    'sts.task-credentials': TaskCredentialsRecord;
  }
}

/** Mints a task's credentials id (in the transaction that creates the task). */
export async function createTaskCredentialsId(tx: StoreTx, ids: IdSource, record: TaskCredentialsRecord): Promise<string> {
  const id = ids.uuid();
  await tx.put('sts.task-credentials', SYSTEM_SCOPE, { id, body: record });
  return id;
}

/** Forgets a task's credentials id (with the task record). */
export async function deleteTaskCredentialsId(tx: StoreTx, id: string): Promise<void> {
  await tx.delete('sts.task-credentials', SYSTEM_SCOPE, id);
}

export interface IssuedTaskRoleCredentials {
  taskPrivateIp: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date; roleArn: string };
}

export class TaskCredentialsIssuer {
  readonly #store: Store;
  readonly #ids: IdSource;
  readonly #clock: Clock;

  constructor(deps: { store: Store; ids: IdSource; clock: Clock }) {
    this.#store = deps.store;
    this.#ids = deps.ids;
    this.#clock = deps.clock;
  }

  /**
   * The current credentials under `id`, issued now if none has long enough left; undefined when the id is unknown,
   * its task has stopped, or the role can no longer be assumed by ECS (deleted, or its trust policy changed).
   */
  async credentials(id: string): Promise<IssuedTaskRoleCredentials | undefined> {
    const now = this.#clock.now();
    return this.#store.write(async (tx) => {
      const found = await tx.get('sts.task-credentials', SYSTEM_SCOPE, id);
      if (!found) return undefined;
      const taskId = taskIdOf(found.taskArn);
      const task = await tx.get('ecs.task', found.scope, taskId);
      if (!task || task.task.lastStatus === 'STOPPED') return undefined;
      const taskPrivateIp = task.network.privateIpv4Address;
      // The principal ARN STS records the session's keys under (assume-role.ts).
      const role = parseRoleArn(found.roleArn);
      const sessionArn = assumedRoleArn(role?.account ?? '', role?.name ?? '', taskId);
      const current = (await tx.list('auth.issued-key', SYSTEM_SCOPE, { name: sessionArn }))
        .map((row) => row.body)
        .filter((key) => key.expiration !== undefined && key.sessionToken !== undefined && key.expiration.getTime() - now.getTime() > RENEW_BEFORE_MS)
        .sort((a, b) => (b.expiration?.getTime() ?? 0) - (a.expiration?.getTime() ?? 0))[0];
      if (current?.expiration && current.sessionToken !== undefined) {
        return {
          taskPrivateIp,
          credentials: {
            accessKeyId: current.accessKeyId, secretAccessKey: current.secretAccessKey, sessionToken: current.sessionToken,
            expiration: current.expiration, roleArn: found.roleArn,
          },
        };
      }
      let assumed;
      try {
        assumed = await assumeRoleAsService(tx, found.roleArn, ECS_TASKS, taskId, now, this.#ids, {
          sourceAccount: found.scope.account, sourceArn: found.taskArn, region: found.scope.region,
        });
      } catch {
        return undefined;
      }
      const c = assumed.Credentials;
      return {
        taskPrivateIp,
        credentials: {
          accessKeyId: c.AccessKeyId ?? '', secretAccessKey: c.SecretAccessKey ?? '', sessionToken: c.SessionToken ?? '',
          expiration: c.Expiration ?? now, roleArn: found.roleArn,
        },
      };
    });
  }
}
