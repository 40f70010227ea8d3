// The composition root: builds every object Berth runs and wires them. The only module that
// knows concrete classes.
import { Authenticator } from './aws/auth/authenticator.ts';
import { Dispatcher } from './aws/dispatcher.ts';
import type { AwsService } from './aws/service.ts';
import { ServiceRouter } from './aws/protocol/router.ts';
import type { Settings } from './config/settings.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock } from './platform/clock.ts';
import { cryptoIds, type IdSource } from './platform/ids.ts';
import type { HttpRoute } from './server/http-route.ts';
import { HttpServer, type HttpServerDeps } from './server/http-server.ts';
import { platformEnvironment, startTaskEndpoints, type TaskEndpointsHost } from './task-endpoints-host.ts';
import { CgroupReader, CgroupStatsSource, StoreMetadataDirectory, type ContainerStatsSource } from './runtime/task-endpoints/index.ts';
import { TaskCredentialsIssuer } from './services/sts/task-credentials.ts';
import type { RunnerTask } from './controllers/task-runner/model.ts';
import type { ServiceDeps } from './services/common/deps.ts';
import { createEc2Service } from './services/ec2/index.ts';
import { applyLifecyclePolicies, createEcrService } from './services/ecr/index.ts';
import { BlobStore } from './registry/blob-store.ts';
import type { RegistryAddressing } from './registry/host.ts';
import { RegistryRoute } from './registry/registry-route.ts';
import { createEcsService } from './services/ecs/index.ts';
import { createIamService } from './services/iam/index.ts';
import { createLogsService } from './services/logs/index.ts';
import { StoreCredentialLookup } from './services/iam/issued-credentials.ts';
import { createStsService } from './services/sts/index.ts';
import { openSqliteStore } from './store/sqlite.ts';
import type { Store } from './store/store.ts';
import { createHousekeeping } from './controllers/housekeeping/index.ts';
import { TaskRunner, TaskSecrets, taskScopes } from './controllers/task-runner/index.ts';
import { TaskNetwork } from './network/task-network.ts';
import { BridgeLoadBalancerAddresses } from './network/lb-addresses.ts';
import { IpRouteKernel } from './platform/netlink.ts';
import { NftCommand } from './platform/nftables.ts';
import { NodeProcessRunner, type ProcessRunner } from './platform/processes.ts';
import { Cgroups } from './runtime/drivers/runc/cgroups.ts';
import type { TaskContainerDriver } from './runtime/drivers/driver.ts';
import { RuncDriver } from './runtime/drivers/runc/runc-driver.ts';
import { CONTAINERS_SECCOMP_PROFILE, readSeccompProfile } from './runtime/drivers/runc/seccomp.ts';
import { createDockerDriver, dockerUnavailable } from './runtime/drivers/docker/index.ts';
import { ImageStore } from './runtime/images/image-store.ts';
import { RegistryImages } from './runtime/images/registry-source.ts';
import { appendLogEvents, ensureLogStream } from './services/logs/index.ts';
import { createElbv2Service } from './services/elbv2/index.ts';
import { createLoadBalancerPlane } from './lb/index.ts';
import { createLoadBalancerController } from './controllers/load-balancers/index.ts';
import { createServiceScheduler, type SchedulerTimings } from './controllers/service-scheduler/index.ts';
import { createSecurityGroupController, type TaskFirewall } from './network/security-groups/index.ts';
import { SecretBox } from './platform/secret-box.ts';
import { PolicyAuthorizer } from './services/iam/evaluation/policy-authorizer.ts';
import { RoleCalls } from './services/iam/evaluation/role-calls.ts';
import { PolicyRoleTrust } from './services/iam/evaluation/task-role-trust.ts';
import { ExecutionRoleChecks } from './controllers/task-runner/execution-role.ts';
import type { ExecutionRoleGate } from './controllers/task-runner/ports.ts';
import { createSecretsManagerService, purgeDeletedSecrets, readSecretValue } from './services/secretsmanager/index.ts';
import { createSsmService, readParameterValue } from './services/ssm/index.ts';

export interface RunningBerth {
  url: string;
  port: number;
  /**
   * Stops serving. Running tasks keep running and the next start re-attaches them; with `removeTasks`
   * their containers and networks are removed instead (tests).
   */
  stop(options?: { removeTasks?: boolean }): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  ids?: IdSource;
  log?: (message: string) => void;
  /** How often the task runner reads the store when nothing nudges it (default 250 ms). */
  taskRunnerIntervalMs?: number;
  /** The service scheduler's timings (AWS's by default; tests shorten the 40 s a task without health checks waits to count as healthy). */
  serviceSchedulerTimings?: Partial<SchedulerTimings>;
}

export async function startBerth(settings: Settings, options: StartOptions = {}): Promise<RunningBerth> {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? cryptoIds;
  const log = options.log ?? ((message: string) => console.error(`[berth] ${message}`));
  const startedAt = clock.now();
  // Where requests signed with keys Berth did not issue (and anything not otherwise scoped) live.
  const defaultScope = { account: settings.defaultAccountId, region: settings.defaultRegion };

  const store = await openSqliteStore(settings.dataDir, clock);
  // The registry's address is known once the server listens (port 0 picks one); repositoryUri reads it then.
  let listeningPort = settings.port;
  const registryHostName = ['0.0.0.0', '::', ''].includes(settings.host) ? '127.0.0.1' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const addressing: RegistryAddressing = {
    defaultAccountId: settings.defaultAccountId, defaultRegion: settings.defaultRegion, endpoint: () => `${registryHostName}:${listeningPort}`,
  };
  const blobs = new BlobStore(join(settings.dataDir, 'registry'));
  // Built before the runner: TaskNetwork seals each task namespace with its firewall as it creates one.
  // Known once the task endpoints listen (after the API); task tables are written only after that.
  let taskEndpoints: TaskEndpointsHost | undefined;
  const securityGroups = createSecurityGroupController({
    store, clock, log, nft: new NftCommand(), namespaces: new IpRouteKernel(), taskEndpointPort: () => taskEndpoints?.endpointPort,
    defaultScope,
  });
  // Secret values are sealed with a key in its own file beside the database, never in it (the runner reads them for tasks).
  const box = await SecretBox.open(join(settings.dataDir, 'keys', 'sealing.key'));
  // Requests signed by roles' and users' credentials are checked against their policies, and so are the platform's
  // own calls as a task's execution role (through each service's IAM map: `services` is filled in below).
  const authorizer = new PolicyAuthorizer(store, { enforce: settings.iamEnforcement });
  const services: AwsService[] = [];
  const roleCalls = new RoleCalls(() => services, authorizer, clock);
  // RunTask and the service scheduler ask it whether ECS may assume a task's roles.
  const roleTrust = new PolicyRoleTrust({ enforce: settings.iamEnforcement });
  // Built before the services so RunTask and StopTask can wake it (it plans nothing until start()).
  const runner = await buildTaskRunner({
    settings, store, clock, ids, blobs, addressing, log, intervalMs: options.taskRunnerIntervalMs, firewall: securityGroups.firewall, box,
    executionRole: settings.iamEnforcement ? new ExecutionRoleChecks(roleCalls) : undefined,
    // Only where the endpoints answer: a variable pointing at nothing would send an SDK to a dead address.
    platformEnvironment: (task, name) => (taskEndpoints ? platformEnvironment(task, name, listeningPort) : []),
  });
  // setImmediate: the runner's pass starts after the operation's answer is written, not in between its awaits.
  const runnerEvents = { changed: () => void setImmediate(() => runner.runner.nudge()) };
  // Controllers are built before the services so operations can wake them; none acts until start().
  const plane = createLoadBalancerPlane({ log: (message) => log(`load balancer: ${message}`), host: settings.loadBalancerHost });
  // With the runc driver the load balancers' own addresses go on the VPC bridges, so targets (and their security
  // groups) see connections from the load balancer's interfaces; the Docker driver's networks are the engine's.
  const addresses = runner.health.driver === 'runc' ? { addresses: new BridgeLoadBalancerAddresses(new IpRouteKernel()) } : {};
  const loadBalancers = createLoadBalancerController({
    store, clock, ids, log, plane, defaultScope, ...addresses,
  });
  const scheduler = createServiceScheduler({ store, clock, ids, log, taskEvents: runnerEvents, roleTrust, ...(options.serviceSchedulerTimings ? { timings: options.serviceSchedulerTimings } : {}) });
  // Anything that changes tasks, services, load balancers or security groups wakes every controller that
  // reads them; each re-reads the store (level-based), so a spurious wake-up costs one pass.
  const taskEvents = {
    changed: () => void setImmediate(() => {
      runner.runner.nudge();
      scheduler.nudge();
      loadBalancers.nudge();
      securityGroups.nudge();
    }),
  };
  const deps: ServiceDeps = {
    store, ids, defaultAccountId: settings.defaultAccountId, taskEvents, roleTrust,
  };
  services.push(
    createEcsService(deps), createIamService(deps), createStsService(deps), createEc2Service(deps),
    createEcrService(deps, { addressing, blobs }), createLogsService(deps), createElbv2Service(deps),
    createSecretsManagerService(deps, { box }), createSsmService(deps, { box }),
  );
  /** Data-plane endpoints on the same port (the OCI registry behind ECR comes here). */
  const routes: HttpRoute[] = [new RegistryRoute({ store, ids, clock, blobs, addressing, strictAuth: settings.strictAuth })];
  const router = new ServiceRouter(services);
  const authenticator = new Authenticator({
    strict: settings.strictAuth,
    defaultAccountId: settings.defaultAccountId,
    defaultRegion: settings.defaultRegion,
    rootAccessKeyId: settings.rootAccessKeyId,
    rootSecretAccessKey: settings.rootSecretAccessKey,
  }, new StoreCredentialLookup(store));
  const dispatcher = new Dispatcher({
    router, authenticator, authorizer, clock, ids,
    log: { internalError: (requestId, operation, error) => log(`internal error in ${operation} (request ${requestId}): ${error instanceof Error ? error.stack ?? error.message : String(error)}`) },
  });
  const serverDeps: HttpServerDeps = {
    dispatcher,
    routes,
    maxRequestBytes: settings.maxRequestBytes,
    log,
    health: () => ({
      status: 'ok',
      version: '0.1.0',
      startedAt: startedAt.toISOString(),
      store: store.describe(),
      auth: settings.strictAuth ? 'strict' : 'lenient',
      runtime: runner.health,
      services: Object.fromEntries(services.map((s) => [s.name, {
        protocol: router.protocolOf(s).name,
        operations: Object.keys(s.operations).length,
        ofModel: Object.keys(s.model.model.operations).length,
      }])),
    }),
  };
  const server = new HttpServer(serverDeps);
  const address = await server.listen(settings.port, settings.host);
  listeningPort = address.port;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${address.port}`;
  log(`listening on ${url} (data in ${store.describe().location}, auth ${settings.strictAuth ? 'strict' : 'lenient'})`);
  if (runner.stats) {
    try {
      taskEndpoints = await startTaskEndpoints({
        kernel: new IpRouteKernel(),
        endpoint: {
          metadata: new StoreMetadataDirectory({ store, scopes: () => taskScopes(store, defaultScope) }),
          credentials: new TaskCredentialsIssuer({ store, ids, clock }),
          stats: runner.stats,
          log: (message) => log(`task endpoints: ${message}`),
        },
        api: serverDeps,
        apiPort: listeningPort,
      });
      log(`task endpoints: metadata and credentials at 169.254.170.2 inside tasks (port 80 → ${taskEndpoints.endpointPort}), the API at 169.254.170.2:${listeningPort}`);
    } catch (error) {
      log(`task endpoints: not served (${error instanceof Error ? error.message : String(error)}); tasks get no metadata, credentials or AWS_ENDPOINT_URL`);
    }
  }
  try {
    await runner.runner.start();
  } catch (error) {
    // Without this a failed start leaves the port listening (and the data plane's worker running): the process never exits.
    await taskEndpoints?.close();
    await server.close();
    await plane.close();
    await store.close();
    throw error;
  }
  // After the runner's first pass over what a previous Berth left, so no record goes before its leftovers do.
  const housekeeping = createHousekeeping({
    store, clock, log, blobs, defaultScope,
    extraChores: [
      { name: 'ecr-lifecycle-policies', intervalMs: 10 * 60_000, run: async (now) => (await applyLifecyclePolicies(store, now)).expired },
      // A secret scheduled for deletion is erased once its recovery window ends (checked every 10 minutes).
      { name: 'secretsmanager-deleted-secrets', intervalMs: 10 * 60_000, run: (now) => purgeDeletedSecrets(store, now) },
    ],
  });
  housekeeping.start();
  loadBalancers.start();
  securityGroups.start();
  scheduler.start();
  return {
    url,
    port: address.port,
    async stop(stopOptions = {}) {
      await taskEndpoints?.close();
      await server.close();
      await scheduler.stop();
      await loadBalancers.stop();
      await plane.close();
      await securityGroups.stop();
      await housekeeping.stop();
      await runner.runner.stop(stopOptions);
      await store.close();
    },
  };
}

const TINI_STATIC = '/usr/bin/tini-static';

interface TaskRunnerParts {
  settings: Settings;
  store: Store;
  clock: Clock;
  ids: IdSource;
  blobs: BlobStore;
  addressing: RegistryAddressing;
  log: (message: string) => void;
  intervalMs: number | undefined;
  firewall: TaskFirewall;
  /** Opens Secrets Manager and Parameter Store values for tasks' `secrets`. */
  box: SecretBox;
  /** Checks the platform's calls for a task against its execution role; absent with IAM enforcement off. */
  executionRole: ExecutionRoleGate | undefined;
  /** ECS's own variables in each container (task-endpoints-host.ts). */
  platformEnvironment: (task: RunnerTask, containerName: string) => { name: string; value: string }[];
}

/**
 * The task runner over a container driver and its task network, with images from Berth's own registry.
 * settings.driver picks the driver: `runc` (the image store's layers under `<dataDir>/runtime`, a network
 * namespace per task), `docker` (the Docker Engine at settings.dockerHost: it keeps the images, a network
 * per VPC, a sandbox container per task), or `auto`: runc when it can run here, else Docker when its engine
 * answers. Without a usable driver, a runner without a host: tasks then stop at once with a
 * ResourceInitializationError saying why, rather than hang.
 */
async function buildTaskRunner(parts: TaskRunnerParts):
  Promise<{ runner: TaskRunner; health: { driver: string; reason?: string }; stats?: ContainerStatsSource }> {
  const { settings, store, clock, ids, log } = parts;
  const processes = new NodeProcessRunner();
  const scopes = () => taskScopes(store, { account: settings.defaultAccountId, region: settings.defaultRegion });
  const common = { store, clock, ids, log, scopes, ...(parts.intervalMs !== undefined ? { intervalMs: parts.intervalMs } : {}) };
  const logs = {
    ensureStream: (target: Parameters<typeof ensureLogStream>[1]) => ensureLogStream(store, target, clock.now()),
    append: (target: Parameters<typeof appendLogEvents>[1], events: Parameters<typeof appendLogEvents>[2]) => appendLogEvents(store, target, events, clock.now()),
  };
  // Values are read for the platform; each read is first checked against the task's execution role (host-work.ts).
  const secrets = new TaskSecrets({
    secret: (scope, request) => readSecretValue(store, parts.box, scope, request),
    parameter: (scope, nameOrArn) => readParameterValue(store, parts.box, scope, nameOrArn),
  });
  const without = (reason: string) => {
    log(`task runner: containers cannot run on this host (${reason}); tasks will stop with ResourceInitializationError`);
    return { runner: new TaskRunner({ ...common, unavailable: reason }), health: { driver: 'none', reason } };
  };
  const runcWhyNot = settings.driver === 'docker' ? undefined : await runcUnavailable(processes);
  if (settings.driver === 'runc' || (settings.driver === 'auto' && runcWhyNot === undefined)) {
    if (runcWhyNot !== undefined) return without(`the runc driver cannot run on this host: ${runcWhyNot}`);
    const images = new ImageStore({ dataDir: settings.dataDir, processes, ids });
    // Debian's tini package: the init for initProcessEnabled (without it such containers fail to start).
    const initPath = existsSync(TINI_STATIC) ? TINI_STATIC : undefined;
    // Docker's default seccomp profile, as Debian's golang-github-containers-common installs it.
    const seccomp = await readSeccompProfile(CONTAINERS_SECCOMP_PROFILE);
    if (!seccomp) log(`task runner: no seccomp profile at ${CONTAINERS_SECCOMP_PROFILE}; containers run without a syscall filter`);
    const cgroups = new Cgroups();
    const driver: TaskContainerDriver = new RuncDriver({ dataDir: settings.dataDir, processes, images, cgroups, initPath, ...(seccomp ? { seccomp } : {}) });
    const host = {
      network: new TaskNetwork(new IpRouteKernel(), { firewall: parts.firewall }),
      images: new RegistryImages({ store, blobs: parts.blobs, images, addressing: parts.addressing, remotePulls: settings.remotePulls, ids, clock }),
      containers: driver,
      logs,
      secrets,
      ...(parts.executionRole ? { executionRole: parts.executionRole } : {}),
      platformEnvironment: parts.platformEnvironment,
    };
    log(`task runner: running tasks with the runc driver (layers under ${join(settings.dataDir, 'runtime')})`);
    // The task metadata endpoint's stats come from the containers' cgroups.
    const stats = new CgroupStatsSource({ reader: new CgroupReader({ containerPath: (taskId, runtimeId) => cgroups.containerPath(taskId, runtimeId) }), clock });
    return { runner: new TaskRunner({ ...common, host }), health: { driver: 'runc' }, stats };
  }
  const dockerWhyNot = await dockerUnavailable(settings.dockerHost);
  const neither = (why: string) => settings.driver === 'docker'
    ? `the Docker driver cannot run: ${why}`
    : `the runc driver cannot run on this host (${runcWhyNot ?? '?'}) and the Docker driver cannot either (${why})`;
  if (dockerWhyNot !== undefined) return without(neither(dockerWhyNot));
  let driver: Awaited<ReturnType<typeof createDockerDriver>>;
  try {
    driver = await createDockerDriver({
      dockerHost: settings.dockerHost, dataDir: settings.dataDir, store, ids, clock, addressing: parts.addressing,
      remotePulls: settings.remotePulls, log: (message) => log(`docker driver: ${message}`),
    });
  } catch (error) {
    return without(neither(error instanceof Error ? error.message : String(error)));
  }
  const host = {
    network: driver.network, images: driver.images, containers: driver.containers, logs, secrets,
    ...(parts.executionRole ? { executionRole: parts.executionRole } : {}),
  };
  const why = runcWhyNot !== undefined ? ` (runc cannot run here: ${runcWhyNot})` : '';
  log(`task runner: running tasks with the Docker driver${why}: ${driver.description}`);
  log('task runner: security groups are NOT enforced with the Docker driver (src/network/LIMITATIONS.md)');
  return { runner: new TaskRunner({ ...common, host }), health: { driver: 'docker' } };
}

/** Why the runc driver cannot run here, or undefined when it can (Linux, root, runc and iproute2 installed). */
async function runcUnavailable(processes: ProcessRunner): Promise<string | undefined> {
  if (process.platform !== 'linux') return `the runc driver needs Linux, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return `the runc driver needs root, Berth runs as uid ${process.getuid?.() ?? '?'}`;
  const works = (command: string, args: string[]) => processes.run(command, args).then((r) => r.code === 0, () => false);
  if (!(await works('runc', ['--version']))) return 'runc is not installed (apt-get install runc)';
  if (!(await works('ip', ['-V']))) return 'iproute2 is not installed (apt-get install iproute2)';
  if (!(await works('conmon', ['--version']))) return 'conmon is not installed (apt-get install conmon)';
  return undefined;
}
