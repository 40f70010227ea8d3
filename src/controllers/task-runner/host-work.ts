// The task runner's host steps: attach the task's network, pull its images, start its containers
// (with their awslogs streams), stop them, detach. Each step records what it saw in the task's
// ObservedTask; a step that fails in a way ECS reports as a start failure sets `failure` (the
// planner then stops the task), anything else rejects and the runner retries it later.
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import type { TaskAttachment } from '../../network/model.ts';
import type { Clock } from '../../platform/clock.ts';
import type { OutputLine, TaskContainer } from '../../runtime/drivers/driver.ts';
import { startHealthCheck, stopHealthChecks } from './health-checks.ts';
import type { HealthTimers } from '../../runtime/health/health-monitor.ts';
import { privateDnsName } from '../../services/ec2/network-interfaces.ts';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import { AwslogsSink, parseBufferSize } from './awslogs.ts';
import { resolveDependencies, stopWaves } from './dependencies.ts';
import {
  cannotPullReason, loggerDeniedReason, MISSING_LOG_GROUP_REASON, registryAuthReason, type ObservedTask, type RunnerTask, type StartFailure, type TaskAction,
} from './model.ts';
import type { PlatformCall, RunnerHost } from './ports.ts';
import { containerSecrets, type RoleCheck } from './secrets.ts';
import type { ContainerOverrideInput } from '../../runtime/drivers/runc/bundle-config.ts';
import type { TaskResources } from './task-runner.ts';
import {
  awslogsTarget, containerDefinitions, definitionInput, overrideInput, runtimeIdOf, taskLimits, type AwslogsTarget,
} from './task-spec.ts';

type HostAction = Exclude<TaskAction, { kind: 'record' | 'forget' }>;

/** `bth-<task id>-<n>` → the task id (Berth's runner names containers so; other `bth-` ids are not its). */
const RUNTIME_ID = /^bth-([0-9a-z]{11,64})-\d+$/;

export class HostWork {
  readonly #host: RunnerHost;
  readonly #clock: Clock;
  readonly #log: (message: string) => void;
  readonly #nudge: () => void;
  readonly #timers: HealthTimers;
  /**
   * Tasks this runner attached (or is attaching) per VPC. A VPC's bridge is removed when its last task
   * detaches; counting here, before attachTask awaits anything, keeps a detach from removing the bridge
   * under a task that is still being attached.
   */
  readonly #vpcTasks = new Map<string, Set<string>>();

  constructor(host: RunnerHost, clock: Clock, log: (message: string) => void, nudge: () => void, timers: HealthTimers) {
    this.#host = host;
    this.#clock = clock;
    this.#log = log;
    this.#nudge = nudge;
    this.#timers = timers;
  }

  async run(action: HostAction, task: RunnerTask, observed: ObservedTask, resources: TaskResources): Promise<void> {
    const taskId = action.taskId;
    switch (action.kind) {
      case 'attach-network':
        this.#claimVpc(task.record.network.vpcId, taskId);
        try {
          resources.join = (await this.#host.network.attachTask(attachmentOf(task.record, taskId))).join;
          observed.network = 'attached';
        } catch (error) {
          observed.failure = failure(`ResourceInitializationError: failed to configure ENI: ${message(error)}`);
        }
        return;
      case 'pull':
        return this.#pull(task, observed, resources);
      case 'start-containers':
        return this.#start(task, taskId, observed, resources);
      case 'stop-containers': {
        // Health checks stop with the task (they would fail against stopping containers).
        stopHealthChecks(resources);
        const timeouts = new Map(action.timeouts.map((t) => [t.container, t.timeoutMs]));
        // Dependents first, then what they depend on (ecs-behaviour.md §5); each wave together.
        for (const wave of stopWaves(containerDefinitions(task.record), [...resources.containers.keys()])) {
          await Promise.all(wave.map(async (name) => {
            const container = resources.containers.get(name);
            if (!container) return;
            const exit = await container.stop(timeouts.get(name) ?? 30_000);
            const seen = observed.containers[name];
            if (seen && !seen.exit) seen.exit = exit;
            await container.remove();
            resources.containers.delete(name);
          }));
        }
        resources.containers.clear();
        await this.#closeSinks(resources);
        await this.#host.containers.cleanupTask(taskId);
        observed.stopped = true;
        return;
      }
      case 'detach-network':
        await this.#detach(taskId, task.record.network.vpcId);
        observed.network = 'detached';
        return;
    }
  }

  /** Removes everything of a task at once (server shutdown, leftovers): containers killed, not stopped gracefully. */
  async teardown(taskId: string, vpcId: string, resources: TaskResources): Promise<void> {
    stopHealthChecks(resources);
    for (const container of resources.containers.values()) await container.remove();
    resources.containers.clear();
    await this.#closeSinks(resources);
    await this.#host.containers.cleanupTask(taskId);
    await this.#detach(taskId, vpcId);
  }

  #claimVpc(vpcId: string, taskId: string): void {
    this.#vpcTasks.set(vpcId, (this.#vpcTasks.get(vpcId) ?? new Set()).add(taskId));
  }

  async #detach(taskId: string, vpcId: string): Promise<void> {
    await this.#host.network.detachTask({ taskId });
    const tasks = this.#vpcTasks.get(vpcId);
    tasks?.delete(taskId);
    if (tasks && tasks.size > 0) return;
    this.#vpcTasks.delete(vpcId);
    // Another Berth's task may still use the bridge: then it has ports, and it stays.
    await this.#host.network.removeVpc(vpcId).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'VpcInUseError')) throw error;
    });
  }

  /**
   * Berth is shutting down: stops following the task's containers and flushes their logs, recording how far
   * each was delivered; the containers and the network stay for the next Berth to re-attach.
   */
  async release(resources: TaskResources): Promise<void> {
    stopHealthChecks(resources);
    for (const container of resources.containers.values()) await container.release();
    await this.#closeSinks(resources);
  }

  /**
   * After a restart: re-attaches the containers a previous Berth started for this task, with their awslogs
   * streams, and fills `observed` as if this runner had started them. Answers false (and holds nothing) when
   * a container is missing: the task is then lost, and the stop path removes what is left of it by name.
   */
  async reattach(task: RunnerTask, taskId: string, observed: ObservedTask, resources: TaskResources, join: TaskResources['join']): Promise<boolean> {
    const { record } = task;
    const recorded = new Map((record.task.containers ?? []).map((c) => [c.name, c]));
    const found = new Map<string, TaskContainer>();
    let expected = 0;
    for (const [index, definition] of containerDefinitions(record).entries()) {
      const name = definition.name ?? '';
      // A container a dependency kept from starting has no runtime id, and nothing to re-attach.
      const container = recorded.get(name);
      if (container?.lastStatus === 'STOPPED' && container.runtimeId === undefined) continue;
      expected++;
      const sink = this.#sink(task, definition, taskId, resources);
      const reattached = await this.#host.containers.reattach({ taskId, containerId: runtimeIdOf(taskId, index), ...outputTo(sink) });
      if (reattached) found.set(name, reattached);
    }
    if (found.size !== expected) {
      for (const container of found.values()) await container.release();
      await this.#closeSinks(resources);
      return false;
    }
    if (join) {
      resources.join = join;
      observed.network = 'attached';
      this.#claimVpc(record.network.vpcId, taskId);
    }
    observed.pull = { pulledAt: record.task.pullStoppedAt ?? this.#clock.now(), digests: {} };
    const definitions = new Map(containerDefinitions(record).map((d) => [d.name ?? '', d]));
    for (const [name, container] of found) {
      resources.containers.set(name, container);
      const digest = recorded.get(name)?.imageDigest;
      observed.containers[name] = { runtimeId: container.id, ...(digest !== undefined ? { imageDigest: digest } : {}) };
      // Health checks resume from the recorded status; the start period counts from the task's start.
      const definition = definitions.get(name);
      if (definition) this.#checkHealth(taskId, name, definition, container, observed, resources, record.task.startedAt ?? this.#clock.now(), recorded.get(name)?.healthStatus);
      this.#watchExit(taskId, name, container, observed, resources);
    }
    observed.started = true;
    return true;
  }

  /** Task ids that have a network or a container on this host. */
  async leftovers(): Promise<Set<string>> {
    const ids = new Set((await this.#host.network.attached()).keys());
    for (const runtimeId of await this.#host.containers.list()) {
      const taskId = RUNTIME_ID.exec(runtimeId)?.[1];
      if (taskId !== undefined) ids.add(taskId);
    }
    return ids;
  }

  async #pull(task: RunnerTask, observed: ObservedTask, resources: TaskResources): Promise<void> {
    const digests: Record<string, string> = {};
    for (const definition of containerDefinitions(task.record)) {
      const name = definition.name ?? '';
      const image = definition.image ?? '';
      let pulled = resources.images.get(image);
      if (!pulled) {
        const refused = await this.#pullRefused(task, image);
        if (refused !== undefined) {
          observed.failure = failure(refused, name);
          return;
        }
        try {
          pulled = await this.#host.images.pull(image);
        } catch (error) {
          const text = message(error);
          observed.failure = failure(text.startsWith('CannotPullContainerError') ? text : cannotPullReason(image, text), name);
          return;
        }
        resources.images.set(image, pulled);
      }
      digests[name] = pulled.manifestDigest;
    }
    observed.pull = { pulledAt: this.#clock.now(), digests };
  }

  /**
   * Why the task's execution role may not pull `image` from Berth's registry, in the agent's words, or undefined: it
   * needs ecr:GetAuthorizationToken (the agent's registry auth), then ecr:BatchGetImage and ecr:GetDownloadUrlForLayer
   * on the repository (Developer Guide, "Amazon ECS task execution IAM role").
   */
  async #pullRefused(task: RunnerTask, image: string): Promise<string | undefined> {
    const gate = this.#host.executionRole;
    const location = this.#host.images.locate?.(image);
    if (!gate || !location) return undefined;
    const token = await gate.denied(task, [{ service: 'ecr', operation: 'GetAuthorizationToken', input: {} }]);
    if (token) return registryAuthReason(token);
    const repository = { registryId: location.registryId, repositoryName: location.repositoryName };
    const layers = await gate.denied(task, [
      { service: 'ecr', operation: 'BatchGetImage', input: { ...repository, imageIds: [{ imageTag: 'latest' }] } },
      { service: 'ecr', operation: 'GetDownloadUrlForLayer', input: { ...repository, layerDigest: `sha256:${'0'.repeat(64)}` } },
    ]);
    // Not verified: the registry answers the agent's manifest request 403, which containerd reports so.
    if (layers) return cannotPullReason(image, `pulling from host ${image.split('/')[0] ?? ''} failed with status code [manifests ${tagOf(image)}]: 403 Forbidden`);
    return undefined;
  }

  /** The task's execution role as a RoleCheck for its secrets; undefined when calls are not checked. */
  #asExecutionRole(task: RunnerTask): RoleCheck | undefined {
    const gate = this.#host.executionRole;
    return gate ? (call: PlatformCall) => gate.denied(task, [call]) : undefined;
  }

  /** Why the execution role may not set up the container's awslogs stream, in the driver's words, or undefined. */
  async #loggerRefused(task: RunnerTask, target: AwslogsTarget): Promise<string | undefined> {
    const gate = this.#host.executionRole;
    if (!gate) return undefined;
    if (target.createGroup) {
      const group = await gate.denied(task, [{ service: 'logs', operation: 'CreateLogGroup', input: { logGroupName: target.group } }]);
      if (group) return loggerDeniedReason('group', group);
    }
    const stream = await gate.denied(task, [{ service: 'logs', operation: 'CreateLogStream', input: { logGroupName: target.group, logStreamName: target.stream } }]);
    return stream ? loggerDeniedReason('stream', stream) : undefined;
  }

  async #start(task: RunnerTask, taskId: string, observed: ObservedTask, resources: TaskResources): Promise<void> {
    const { record } = task;
    if (!observed.startingSince) {
      // Every container's secrets are read before any container starts, so a missing one starts none (as ECS).
      if (!(await this.#readSecrets(task, resources, observed))) return;
      await this.#host.containers.createTask(taskId, taskLimits(record));
      observed.startingSince = this.#clock.now();
    }
    const privateIp = record.network.privateIpv4Address;
    const hostname = privateDnsName(privateIp, task.scope.region);
    const definitions = containerDefinitions(record);
    // The containers whose dependencies are met now; the planner asks again as exits and time move on.
    const { ready, blocked } = resolveDependencies(definitions, observed.containers, observed.startingSince, this.#clock.now());
    for (const { name, reason } of blocked) observed.containers[name] = { runtimeId: '', never: true, exit: { oomKilled: false, reason } };
    for (const [index, definition] of definitions.entries()) {
      const name = definition.name ?? '';
      if (!ready.includes(name)) continue;
      const target = awslogsTarget(task.scope, definition, taskId);
      if (target) {
        const refused = await this.#loggerRefused(task, target);
        if (refused !== undefined) {
          observed.failure = failure(refused, name);
          return;
        }
        try {
          await this.#host.logs.ensureStream(target);
        } catch (error) {
          const missing = error instanceof Error && error.name === 'ResourceNotFoundException';
          observed.failure = failure(missing ? MISSING_LOG_GROUP_REASON : `ResourceInitializationError: failed to validate logger args: ${message(error)}`, name);
          return;
        }
      }
      const sink = this.#sink(task, definition, taskId, resources);
      const image = resources.images.get(definition.image ?? '');
      if (!image) throw new Error(`image ${definition.image ?? ''} of ${name} was not pulled`);
      const runtimeId = runtimeIdOf(taskId, index);
      // After a restart the secrets of containers not yet started are read again.
      if (!resources.secrets?.has(name) && !(await this.#readSecrets(task, resources, observed))) return;
      let started: TaskContainer | undefined;
      try {
        started = await this.#host.containers.start({
          taskId, containerId: runtimeId, image, definition: withPlatformEnvironment(definitionInput(definition), this.#host.platformEnvironment?.(task, name) ?? []),
          overrides: withSecrets(overrideInput(record, name), resources.secrets?.get(name) ?? []),
          hostname, ...(resources.join ? { network: resources.join } : {}),
          etcHosts: `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${privateIp}\t${hostname}\n`, resolvConf: '',
          ...outputTo(sink),
        });
      } catch (error) {
        observed.failure = failure(`CannotStartContainerError: ${message(error)}`, name);
        return;
      }
      resources.containers.set(name, started);
      const startedAt = this.#clock.now();
      observed.containers[name] = { runtimeId, imageDigest: image.manifestDigest, startedAt };
      this.#checkHealth(taskId, name, definition, started, observed, resources, startedAt, undefined);
      this.#watchExit(taskId, name, started, observed, resources);
    }
    observed.started = definitions.every((definition) => observed.containers[definition.name ?? ''] !== undefined);
  }

  /**
   * Resolves every container's `secrets` into resources.secrets; on failure records ECS's start failure and
   * answers false. Values stay in memory: never in the task record, the store or the runner's log.
   */
  async #readSecrets(task: RunnerTask, resources: TaskResources, observed: ObservedTask): Promise<boolean> {
    const secrets = new Map<string, { name: string; value: string }[]>();
    for (const definition of containerDefinitions(task.record)) {
      try {
        secrets.set(definition.name ?? '', await containerSecrets(this.#host.secrets, task.scope, definition, this.#asExecutionRole(task)));
      } catch (error) {
        observed.failure = failure(message(error), definition.name ?? '');
        return false;
      }
    }
    resources.secrets = secrets;
    return true;
  }

  /** The container's awslogs sink (none for other log drivers); its delivered lines are acknowledged to the container. */
  #sink(task: RunnerTask, definition: ContainerDefinition, taskId: string, resources: TaskResources): AwslogsSink | undefined {
    const target: AwslogsTarget | undefined = awslogsTarget(task.scope, definition, taskId);
    if (!target) return undefined;
    const name = definition.name ?? '';
    const options = definition.logConfiguration?.options ?? {};
    let reported = false;
    const sink = new AwslogsSink(this.#host.logs, target, this.#clock, {
      maxBufferBytes: parseBufferSize(options['max-buffer-size']),
      blocking: options.mode === 'blocking',
      onDelivered: (cursor) => resources.containers.get(name)?.acknowledge(cursor),
      onError: (error) => {
        if (!reported) this.#log(`task ${taskId}: awslogs for ${name} dropped lines: ${message(error)}`);
        reported = true;
      },
    });
    resources.sinks.push(sink);
    return sink;
  }

  #watchExit(taskId: string, name: string, container: TaskContainer, observed: ObservedTask, resources: TaskResources): void {
    container.waitExit().then((exit) => {
      // Its health check ends with it (Docker stops a container's health monitor when it stops).
      resources.health.get(name)?.stop();
      resources.health.delete(name);
      const seen = observed.containers[name];
      if (seen && !seen.exit) seen.exit = exit;
      this.#nudge();
    }, (error: unknown) => this.#log(`task ${taskId}: container ${name}: ${message(error)}`));
  }

  /** Starts the container's health check when its definition has one (health-checks.ts); its changes nudge the runner. */
  #checkHealth(taskId: string, name: string, definition: ContainerDefinition, container: TaskContainer, observed: ObservedTask,
    resources: TaskResources, startedAt: Date, recorded: string | undefined): void {
    startHealthCheck({
      taskId, name, definition, container, observed, resources, startedAt, recorded,
      clock: this.#clock, timers: this.#timers, log: this.#log, nudge: this.#nudge,
    });
  }

  async #closeSinks(resources: TaskResources): Promise<void> {
    for (const sink of resources.sinks) await sink.close();
    resources.sinks = [];
  }
}

/** A container's lines go to its awslogs sink, stamped when the container wrote them; without one they are not read. */
function outputTo(sink: AwslogsSink | undefined): { onOutput?: (line: OutputLine) => void } {
  return sink ? { onOutput: (line) => sink.push(line.text, { timestamp: line.timestamp, cursor: line.cursor }) } : {};
}

/** ECS's own variables go first: the definition's environment (and then its overrides and secrets) may replace them. */
function withPlatformEnvironment<T extends { environment?: { name: string; value: string }[] }>(definition: T, platform: { name: string; value: string }[]): T {
  if (platform.length === 0) return definition;
  return { ...definition, environment: [...platform, ...(definition.environment ?? [])] };
}

/** Secrets go last: ECS sets them after `environment` (and its overrides), so a secret wins a name clash. */
function withSecrets(overrides: ContainerOverrideInput | undefined, secrets: { name: string; value: string }[]): ContainerOverrideInput | undefined {
  if (secrets.length === 0) return overrides;
  return { ...overrides, environment: [...(overrides?.environment ?? []), ...secrets] };
}

function attachmentOf(record: TaskRecord, taskId: string): TaskAttachment {
  const n = record.network;
  return {
    taskId, vpcId: n.vpcId, subnetCidr: n.subnetCidr, gatewayIp: n.gatewayIp, vpcCidrBlocks: n.vpcCidrBlocks,
    privateIp: n.privateIpv4Address, macAddress: n.macAddress, assignPublicIp: n.assignPublicIp ? 'ENABLED' : 'DISABLED',
  };
}

/** The tag an image reference names (`latest` when it names none; the digest for `@sha256:…`). */
function tagOf(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon >= 0 ? last.slice(colon + 1) : 'latest';
}

function failure(stoppedReason: string, container?: string): StartFailure {
  return { stopCode: 'TaskFailedToStart', stoppedReason, ...(container !== undefined ? { container } : {}) };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

