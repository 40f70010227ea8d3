// Which account and region a registry request is for, from the host name the client used, and the
// host Berth puts in repositoryUri.
//
// Mapping (documented in src/registry/README.md):
// - `<account>.dkr.ecr.<region>.amazonaws.com[:port]` and `<account>.dkr.ecr.<region>.localhost[:port]`
//   address that account and region (what task definitions name, resolved to Berth by the runtime);
// - any other host (`127.0.0.1:4566`, `localhost:4566`) addresses the default account and region.
// repositoryUri is `<berth host:port>/<name>` for the default account and region — docker treats
// 127.0.0.0/8 as an insecure registry, so plain HTTP works — and
// `<account>.dkr.ecr.<region>.localhost:<port>/<name>` for any other.
import type { Scope } from '../store/store.ts';

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d)\.(?:amazonaws\.com|localhost)(?::\d+)?$/;

export interface RegistryAddressing {
  defaultAccountId: string;
  defaultRegion: string;
  /** `host:port` clients reach Berth at (known once the server listens). */
  endpoint(): string;
}

export function scopeOfHost(host: string | undefined, addressing: RegistryAddressing): Scope {
  const match = ECR_HOST.exec((host ?? '').toLowerCase());
  if (match?.[1] !== undefined && match[2] !== undefined) return { account: match[1], region: match[2] };
  return { account: addressing.defaultAccountId, region: addressing.defaultRegion };
}

/** The registry host of an account and region, as repositoryUri and proxyEndpoint show it. */
export function registryHost(scope: Scope, addressing: RegistryAddressing): string {
  const endpoint = addressing.endpoint();
  if (scope.account === addressing.defaultAccountId && scope.region === addressing.defaultRegion) return endpoint;
  const port = endpoint.slice(endpoint.lastIndexOf(':') + 1);
  return `${scope.account}.dkr.ecr.${scope.region}.localhost:${port}`;
}
