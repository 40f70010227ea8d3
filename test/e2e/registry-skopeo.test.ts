// A real client: skopeo (Debian's package) copies an OCI image layout that the test writes — one
// tar layer with one file, a config and a manifest — to Berth's registry with the
// GetAuthorizationToken password, then inspects it there. CI installs skopeo; on a machine
// without it the test skips, except under CI where it fails loudly.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { CreateRepositoryCommand, DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { startTestServer, type TestServer } from './harness.ts';
import { sha } from './registry-client.ts';

const run = promisify(execFile);

async function hasSkopeo(): Promise<boolean> {
  try {
    await run('skopeo', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** A one-file ustar archive: a 512-byte header, the content padded to 512, two zero blocks. */
function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(`${Math.floor(Date.UTC(2024, 0, 1) / 1000).toString(8).padStart(11, '0')}\0`, 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

function writeLayout(dir: string): string {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer) => {
    writeFileSync(join(blobs, sha(bytes).slice(7)), bytes);
    return { digest: sha(bytes), size: bytes.length };
  };
  const layer = tarOf('hello.txt', Buffer.from('hello from berth\n'));
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/hello.txt'] },
    rootfs: { type: 'layers', diff_ids: [sha(layer)] },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...put(layer) }],
  }));
  const m = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }],
  }));
  return m.digest;
}

let server: TestServer;
let ecr: ECRClient;
let layout: string;
before(async () => {
  server = await startTestServer({ strictAuth: true });
  ecr = new ECRClient(server.clientConfig);
  layout = mkdtempSync(join(tmpdir(), 'berth-oci-'));
});
after(async () => {
  ecr.destroy();
  rmSync(layout, { recursive: true, force: true });
  await server.stop();
});

test('skopeo copies an OCI layout to the registry with the ECR password and inspects it', async (t) => {
  if (!(await hasSkopeo())) {
    if (process.env.CI) assert.fail('skopeo is not installed (apt-get install -y skopeo)');
    t.skip('skopeo is not installed');
    return;
  }
  writeLayout(layout);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'tools/hello' }));
  const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0]?.authorizationToken ?? '';
  const creds = Buffer.from(token, 'base64').toString('utf8');
  const host = new URL(server.url).host;
  const policy = join(layout, 'policy.json');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  const common = ['--policy', policy];
  await run('skopeo', [...common, 'copy', '--dest-tls-verify=false', '--dest-creds', creds, `oci:${layout}:v1`, `docker://${host}/tools/hello:v1`], { timeout: 60_000 });
  const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/tools/hello:v1`], { timeout: 60_000 });
  const inspected = JSON.parse(stdout) as { Digest: string; Layers: string[]; Architecture: string };
  assert.equal(inspected.Architecture, 'amd64');
  assert.equal(inspected.Layers.length, 1);
  // skopeo compresses the uncompressed layer for a registry destination, so the pushed manifest
  // (and digest) differ from the layout's; ECR must show the one skopeo pushed and inspected.
  const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName: 'tools/hello' }));
  assert.deepEqual(imageDetails?.[0]?.imageTags, ['v1']);
  assert.equal(imageDetails?.[0]?.imageDigest, inspected.Digest);
  await assert.rejects(run('skopeo', ['inspect', '--tls-verify=false', '--creds', 'AWS:wrong', `docker://${host}/tools/hello:v1`], { timeout: 60_000 }));
});
