// The composition root: builds every object Berth runs and wires them. The only module that
// knows concrete classes.
import { Authenticator } from './aws/auth/authenticator.ts';
import { Dispatcher } from './aws/dispatcher.ts';
import { ServiceRouter } from './aws/protocol/router.ts';
import type { Settings } from './config/settings.ts';
import { join } from 'node:path';
import { systemClock, type Clock } from './platform/clock.ts';
import { cryptoIds, type IdSource } from './platform/ids.ts';
import type { HttpRoute } from './server/http-route.ts';
import { HttpServer } from './server/http-server.ts';
import type { ServiceDeps } from './services/common/deps.ts';
import { createEc2Service } from './services/ec2/index.ts';
import { createEcrService } from './services/ecr/index.ts';
import { BlobStore } from './registry/blob-store.ts';
import type { RegistryAddressing } from './registry/host.ts';
import { RegistryRoute } from './registry/registry-route.ts';
import { createEcsService } from './services/ecs/index.ts';
import { createIamService } from './services/iam/index.ts';
import { createLogsService } from './services/logs/index.ts';
import { StoreCredentialLookup } from './services/iam/issued-credentials.ts';
import { createStsService } from './services/sts/index.ts';
import { openSqliteStore } from './store/sqlite.ts';

export interface RunningBerth {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  ids?: IdSource;
  log?: (message: string) => void;
}

export async function startBerth(settings: Settings, options: StartOptions = {}): Promise<RunningBerth> {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? cryptoIds;
  const log = options.log ?? ((message: string) => console.error(`[berth] ${message}`));
  const startedAt = clock.now();

  const store = await openSqliteStore(settings.dataDir, clock);
  const deps: ServiceDeps = { store, ids, defaultAccountId: settings.defaultAccountId };
  // The registry's address is known once the server listens (port 0 picks one); repositoryUri reads it then.
  let listeningPort = settings.port;
  const registryHostName = ['0.0.0.0', '::', ''].includes(settings.host) ? '127.0.0.1' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const addressing: RegistryAddressing = {
    defaultAccountId: settings.defaultAccountId, defaultRegion: settings.defaultRegion, endpoint: () => `${registryHostName}:${listeningPort}`,
  };
  const blobs = new BlobStore(join(settings.dataDir, 'registry'));
  const services = [
    createEcsService(deps), createIamService(deps), createStsService(deps), createEc2Service(deps),
    createEcrService(deps, { addressing, blobs }), createLogsService(deps),
  ];
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
    router, authenticator, clock, ids,
    log: { internalError: (requestId, operation, error) => log(`internal error in ${operation} (request ${requestId}): ${error instanceof Error ? error.stack ?? error.message : String(error)}`) },
  });
  const server = new HttpServer({
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
      services: Object.fromEntries(services.map((s) => [s.name, {
        protocol: router.protocolOf(s).name,
        operations: Object.keys(s.operations).length,
        ofModel: Object.keys(s.model.model.operations).length,
      }])),
    }),
  });
  const address = await server.listen(settings.port, settings.host);
  listeningPort = address.port;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${address.port}`;
  log(`listening on ${url} (data in ${store.describe().location}, auth ${settings.strictAuth ? 'strict' : 'lenient'})`);
  return {
    url,
    port: address.port,
    async stop() {
      await server.close();
      await store.close();
    },
  };
}
