// Composes what answers at 169.254.170.2 inside tasks (runc driver): the address on the host's loopback, the
// task metadata v4 and credentials server on a port of its own (each task's nftables table maps port 80 to it,
// see nft-script.ts), and Berth's API on the same address at the API's port, for AWS_ENDPOINT_URL. main.ts
// builds it after the API listens; the containers' variables come from platformEnvironment.
import { HttpServer, type HttpServerDeps } from './server/http-server.ts';
import { TASK_ENDPOINT_ADDRESS, TaskEndpointAddress } from './network/task-endpoint-address.ts';
import type { NetworkKernel } from './platform/netlink.ts';
import { metadataUriFor, TaskEndpointServer, type TaskEndpointDeps } from './runtime/task-endpoints/index.ts';
import type { RunnerTask } from './controllers/task-runner/model.ts';

export interface TaskEndpointsHost {
  /** The port the metadata and credentials server listens on at 169.254.170.2. */
  endpointPort: number;
  close(): Promise<void>;
}

/** Puts 169.254.170.2 on the host and starts both listeners there; rejects (having undone its steps) when it cannot. */
export async function startTaskEndpoints(options: { kernel: NetworkKernel; endpoint: TaskEndpointDeps; api: HttpServerDeps; apiPort: number }):
  Promise<TaskEndpointsHost> {
  const address = new TaskEndpointAddress(options.kernel);
  await address.ensure();
  const endpoints = new TaskEndpointServer(options.endpoint);
  const api = new HttpServer(options.api);
  try {
    const bound = await endpoints.listen(TASK_ENDPOINT_ADDRESS, 0);
    await api.listen(options.apiPort, TASK_ENDPOINT_ADDRESS);
    return {
      endpointPort: bound.port,
      async close() {
        await api.close();
        await endpoints.close();
        // Whichever Berth on this host stops last takes the address away (release() keeps it while one listens).
        await address.release();
      },
    };
  } catch (error) {
    await api.close().catch(() => undefined);
    await endpoints.close();
    await address.release();
    throw error;
  }
}

/**
 * The variables ECS sets in every container of a Fargate task (Developer Guide, "Task metadata endpoint version
 * 4", "Task IAM role"; AWS_EXECUTION_ENV as Fargate sets it), and AWS_ENDPOINT_URL so that an unmodified AWS SDK
 * in the container calls Berth, with the task role's credentials when the task has one.
 */
export function platformEnvironment(task: RunnerTask, containerName: string, apiPort: number): { name: string; value: string }[] {
  const taskId = (task.record.task.taskArn ?? '').split('/').pop() ?? '';
  const region = task.scope.region;
  const env = [
    { name: 'AWS_EXECUTION_ENV', value: 'AWS_ECS_FARGATE' },
    { name: 'AWS_REGION', value: region },
    { name: 'AWS_DEFAULT_REGION', value: region },
    { name: 'ECS_CONTAINER_METADATA_URI_V4', value: metadataUriFor(taskId, containerName) },
    { name: 'AWS_ENDPOINT_URL', value: `http://${TASK_ENDPOINT_ADDRESS}:${apiPort}` },
  ];
  if (task.record.credentialsId !== undefined) {
    env.push({ name: 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', value: `/v2/credentials/${task.record.credentialsId}` });
  }
  return env;
}
