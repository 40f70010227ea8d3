// The Docker driver's image source (the task runner's RunnerImages): a task definition's image reference
// resolves to Berth's registry exactly as on the runc path (registry-source.ts), and the ENGINE pulls it
// from there by digest, authenticated with a registry password minted as GetAuthorizationToken mints them.
// The engine keeps the layers; Berth keeps only the image config it reads back.
import type { Clock } from '../../../platform/clock.ts';
import type { IdSource } from '../../../platform/ids.ts';
import { issueRegistryPassword } from '../../../registry/auth-token.ts';
import { registryHost, type RegistryAddressing } from '../../../registry/host.ts';
import { getImage, getTag } from '../../../registry/records.ts';
import type { Scope, Store } from '../../../store/store.ts';
import type { PulledImage } from '../../images/image-store.ts';
import { MEDIA, type ImageConfig, type ImageIndex } from '../../images/oci.ts';
import type { ImageReference } from '../../images/image-reference.ts';
import { CannotPullContainerError, pullReference, registryLocation } from '../../images/registry-source.ts';
import { DockerEngineError, type DockerEngine } from './engine-client.ts';
import { readProgress } from './sandbox-image.ts';

/** A pull may take long for a large image; it fails when the engine reports no progress for this long. */
const PULL_IDLE_MS = 120_000;

export interface DockerImagesOptions {
  engine: DockerEngine;
  store: Store;
  ids: IdSource;
  clock: Clock;
  addressing: RegistryAddressing;
  /**
   * Whether references to other registries (docker.io, public.ecr.aws…) are pulled by the engine itself,
   * over its own network; off, they fail with CannotPullContainerError saying so.
   */
  remotePulls: boolean;
  /**
   * `host:port` at which the ENGINE reaches Berth's registry for the default account and region, when not
   * `addressing.endpoint()` (an engine in a VM, e.g. `host.docker.internal:4566`, with that address among
   * the engine's insecure-registries).
   */
  registryAddress?: string;
}

interface ImageInspect {
  Id: string;
  RepoDigests?: string[] | null;
  Architecture?: string;
  Os?: string;
  Config?: { User?: string; Env?: string[] | null; Entrypoint?: string[] | null; Cmd?: string[] | null; WorkingDir?: string; StopSignal?: string } | null;
  RootFS?: { Layers?: string[] | null };
}

export class DockerImages {
  readonly #options: DockerImagesOptions;
  /** Pulls in flight by engine reference, so concurrent tasks of one image pull it once. */
  readonly #pulling = new Map<string, Promise<PulledImage>>();

  constructor(options: DockerImagesOptions) {
    this.#options = options;
  }

  /**
   * Resolves `image` as a task definition names it and makes the engine have it. Rejects with
   * CannotPullContainerError (ECS's text) when the image cannot be had.
   */
  async pull(image: string): Promise<PulledImage> {
    const ref = pullReference(image);
    const location = registryLocation(ref, this.#options.addressing);
    if (!location) return this.#pullRemote(ref);
    const digest = await this.#resolve(location.scope, location.repository, ref);
    const reference = `${this.#engineRegistry(location.scope)}/${location.repository}@${digest}`;
    let pending = this.#pulling.get(reference);
    if (!pending) {
      pending = this.#pullOwn(ref, location.scope, reference, digest).finally(() => this.#pulling.delete(reference));
      this.#pulling.set(reference, pending);
    }
    return pending;
  }

  /** Where the engine finds a scope's repositories: Berth's registry host for that account and region. */
  #engineRegistry(scope: Scope): string {
    const { addressing, registryAddress } = this.#options;
    const own = scope.account === addressing.defaultAccountId && scope.region === addressing.defaultRegion;
    return own && registryAddress !== undefined ? registryAddress : registryHost(scope, addressing);
  }

  /**
   * The digest of the manifest to pull: the tag's (or the reference's own digest), and for an index the
   * manifest of the engine's platform, as the runc path picks it, so both report the same imageDigest.
   */
  async #resolve(scope: Scope, repository: string, ref: ImageReference): Promise<string> {
    const arch = this.#options.engine.info.arch;
    const found = await this.#options.store.read(async (tx): Promise<{ digest: string } | { missing: string } | undefined> => {
      const digest = ref.reference.startsWith('sha256:') ? ref.reference : (await getTag(tx, scope, repository, ref.reference))?.digest;
      const record = digest === undefined ? undefined : await getImage(tx, scope, repository, digest);
      if (!record) return undefined;
      if (record.mediaType !== MEDIA.ociIndex && record.mediaType !== MEDIA.dockerList) return { digest: record.digest };
      const index = JSON.parse(record.manifest.toString('utf8')) as ImageIndex;
      const match = index.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch);
      return match ? { digest: match.digest } : { missing: `image ${ref.canonical} has no linux/${arch} manifest` };
    });
    if (!found) throw new CannotPullContainerError(ref.canonical, `${ref.canonical}: not found`);
    if ('missing' in found) throw new CannotPullContainerError(ref.canonical, found.missing);
    return found.digest;
  }

  async #pullOwn(ref: ImageReference, scope: Scope, reference: string, digest: string): Promise<PulledImage> {
    const { engine, store, ids, clock } = this.#options;
    // The engine already has this digest: nothing to pull (layers and config are content-addressed).
    const cached = await this.#inspect(reference);
    if (cached) return pulledImage(cached, digest, reference);
    const { password } = await issueRegistryPassword(store, ids, scope.account, clock.now());
    const serveraddress = reference.slice(0, reference.indexOf('/'));
    // X-Registry-Auth: the credentials the engine sends the registry, as JSON in URL-safe base64 WITH padding
    // (Engine API "Authentication"): Docker 20.10 decodes it with Go's base64.URLEncoding, which rejects the
    // unpadded form, and then silently pulls without credentials.
    const json = Buffer.from(JSON.stringify({ username: 'AWS', password, serveraddress }), 'utf8').toString('base64');
    const auth = json.replaceAll('+', '-').replaceAll('/', '_');
    try {
      const response = await engine.stream('POST', '/images/create', { query: { fromImage: reference }, headers: { 'x-registry-auth': auth }, timeoutMs: PULL_IDLE_MS });
      await readProgress(response, `pull of ${reference}`);
    } catch (error) {
      throw new CannotPullContainerError(ref.canonical, error instanceof DockerEngineError ? error.engineMessage : String(error));
    }
    const pulled = await this.#inspect(reference);
    if (!pulled) throw new CannotPullContainerError(ref.canonical, `the engine pulled ${reference} but does not list it`);
    return pulledImage(pulled, digest, reference);
  }

  /** Another registry's image: the engine pulls it over its network when remote pulls are on. */
  async #pullRemote(ref: ImageReference): Promise<PulledImage> {
    if (!this.#options.remotePulls) {
      // The runc path's words (registry-source.ts), so both drivers say the same.
      throw new CannotPullContainerError(ref.canonical, `remote pulls are disabled on this Berth (--remote-pulls false): only images in Berth's own registry can run, and ${ref.host} is another registry`);
    }
    const { engine } = this.#options;
    const reference = ref.canonical;
    try {
      const response = await engine.stream('POST', '/images/create', { query: { fromImage: reference }, timeoutMs: PULL_IDLE_MS });
      await readProgress(response, `pull of ${reference}`);
    } catch (error) {
      throw new CannotPullContainerError(ref.canonical, error instanceof DockerEngineError ? error.engineMessage : String(error));
    }
    const pulled = await this.#inspect(reference);
    if (!pulled) throw new CannotPullContainerError(ref.canonical, `the engine pulled ${reference} but does not list it`);
    const repoDigest = (pulled.RepoDigests ?? []).map((d) => d.slice(d.indexOf('@') + 1)).find((d) => d.startsWith('sha256:'));
    return pulledImage(pulled, ref.reference.startsWith('sha256:') ? ref.reference : repoDigest ?? pulled.Id, reference);
  }

  #inspect(reference: string): Promise<ImageInspect | undefined> {
    return this.#options.engine.json<ImageInspect>('GET', `/images/${reference}/json`).catch((error: unknown) => {
      if (error instanceof DockerEngineError && error.statusCode === 404) return undefined;
      throw error;
    });
  }
}

/** The runner's view of an image the engine has: its config as the engine read it, no layer directories. */
function pulledImage(inspect: ImageInspect, manifestDigest: string, engineReference: string): PulledImage {
  const c = inspect.Config ?? {};
  const config: ImageConfig = {
    architecture: inspect.Architecture ?? '',
    os: inspect.Os ?? 'linux',
    config: {
      ...(c.User ? { User: c.User } : {}),
      ...(c.Env ? { Env: c.Env } : {}),
      ...(c.Entrypoint ? { Entrypoint: c.Entrypoint } : {}),
      ...(c.Cmd ? { Cmd: c.Cmd } : {}),
      ...(c.WorkingDir ? { WorkingDir: c.WorkingDir } : {}),
      ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    },
    rootfs: { type: 'layers', diff_ids: inspect.RootFS?.Layers ?? [] },
  };
  return { manifestDigest, config, layerDirs: [], engineReference };
}
