// Test helpers for the registry: content builders and a fetch wrapper on a started server.
import { createHash } from 'node:crypto';

export const sha = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export interface Pushed {
  manifest: string;
  digest: string;
}

/** A Docker schema 2 image manifest over a config and layers (pushed beforehand). */
export function imageManifest(config: Buffer, layers: Buffer[], mediaType = 'application/vnd.docker.distribution.manifest.v2+json'): Pushed {
  const docker = mediaType.includes('docker');
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType,
    config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha(config) },
    layers: layers.map((l) => ({ mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar', size: l.length, digest: sha(l) })),
  }, null, 3);
  return { manifest, digest: sha(manifest) };
}

export class RegistryClient {
  readonly #base: string;
  readonly #headers: Record<string, string>;

  constructor(base: string, headers: Record<string, string> = {}) {
    this.#base = base;
    this.#headers = headers;
  }

  fetch(path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.#base}${path}`;
    return fetch(url, { method: init.method ?? 'GET', headers: { ...this.#headers, ...init.headers }, ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : new Uint8Array(init.body) } : {}) });
  }

  async pushBlob(repo: string, bytes: Buffer): Promise<Response> {
    const response = await this.fetch(`/v2/${repo}/blobs/uploads/?digest=${sha(bytes)}`, { method: 'POST', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    await response.arrayBuffer();
    return response;
  }

  async putManifest(repo: string, reference: string, manifest: string, mediaType: string): Promise<Response> {
    const response = await this.fetch(`/v2/${repo}/manifests/${reference}`, { method: 'PUT', body: manifest, headers: { 'content-type': mediaType } });
    await response.arrayBuffer();
    return response;
  }

  /** Config + one layer + manifest, tagged. */
  async pushImage(repo: string, tag: string, seed: string): Promise<Pushed> {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
    const layer = Buffer.from(`layer of ${seed}`);
    for (const blob of [config, layer]) {
      const r = await this.pushBlob(repo, blob);
      if (r.status !== 201) throw new Error(`blob push answered ${r.status}`);
    }
    const image = imageManifest(config, [layer]);
    const r = await this.putManifest(repo, tag, image.manifest, 'application/vnd.docker.distribution.manifest.v2+json');
    if (r.status !== 201) throw new Error(`manifest push answered ${r.status}`);
    return image;
  }
}
