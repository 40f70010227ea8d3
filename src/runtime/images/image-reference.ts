// Image references as a task definition writes them (`httpd:2.4`, `ghcr.io/org/app@sha256:…`,
// `127.0.0.1:5000/app:v1`): parsed and normalized the way Docker's distribution/reference does, and
// the URL of the registry each one names.

export interface ImageReference {
  /** The registry host as written (`docker.io` when the reference names none). */
  host: string;
  repository: string;
  /** What to pull: the digest when there is one, else the tag (`latest` when the reference names neither). */
  reference: string;
  tag?: string;
  digest?: string;
  /** The fully qualified form containerd reports (`docker.io/library/httpd:2.4`). */
  canonical: string;
}

/** distribution/reference's grammar for a path component, a tag and a digest. */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const DOMAIN = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::\d+)?$/;
/** distribution/reference: "NameTotalLengthMax = 255". */
const NAME_MAX = 255;

/** An image reference Docker would refuse (its texts: "invalid reference format…"). */
export class InvalidReferenceError extends Error {
  override readonly name = 'InvalidReferenceError';
  readonly code = 'BTH_INVALID_REFERENCE';
}

/**
 * Splits and normalizes a reference as Docker does (ParseNormalizedNamed): a first component with
 * `.` or `:`, or `localhost`, or an upper-case letter is a registry host; otherwise the host is
 * docker.io, where a single-component name lives under `library/`. Throws InvalidReferenceError.
 */
export function parseImageReference(image: string): ImageReference {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidReferenceError('invalid reference format');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidReferenceError('invalid reference format');
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasHost = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let host = hasHost ? first : 'docker.io';
  if (host === 'index.docker.io') host = 'docker.io';
  let repository = hasHost ? rest.slice(slash + 1) : rest;
  if (host === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (hasHost && !DOMAIN.test(host)) throw new InvalidReferenceError('invalid reference format');
  if (repository.toLowerCase() !== repository) {
    throw new InvalidReferenceError(`invalid reference format: repository name (${repository}) must be lowercase`);
  }
  if (repository === '' || !repository.split('/').every((c) => COMPONENT.test(c))) throw new InvalidReferenceError('invalid reference format');
  if (`${host}/${repository}`.length > NAME_MAX) {
    throw new InvalidReferenceError(`invalid reference format: repository name must not be more than ${NAME_MAX} characters`);
  }
  const canonical = `${host}/${repository}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
  return {
    host, repository, reference: digest ?? tag ?? 'latest',
    ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}),
    canonical: tag === undefined && digest === undefined ? `${canonical}:latest` : canonical,
  };
}

/** The host without its port or IPv6 brackets (`[::1]:5000` → `::1`). */
export function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

/** localhost, 127.0.0.0/8 and ::1: the hosts Docker treats as insecure registries by default. */
export function isLoopbackHost(host: string): boolean {
  const name = hostname(host).toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * Where a registry host's API is: docker.io's is registry-1.docker.io (as Docker and containerd
 * map it); https everywhere except loopback hosts, which Docker reaches over plain http.
 */
export function registryBaseUrl(host: string): string {
  if (host === 'docker.io') return 'https://registry-1.docker.io';
  return `${isLoopbackHost(host) ? 'http' : 'https'}://${host}`;
}
