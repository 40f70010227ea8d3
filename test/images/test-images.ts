// The images Berth's runtime tests run: busybox-static from Debian plus small scripts, written
// as an OCI layout by oci-layout.ts. Build them with `buildTestImages(dir)`.
import { access, readFile } from 'node:fs/promises';
import { writeImage, type ImageRunConfig, type LayerEntry, type WrittenImage } from './oci-layout.ts';

/** Debian's busybox-static installs a statically linked busybox here; it runs in an empty rootfs. */
export const BUSYBOX_PATH = '/usr/bin/busybox';

const APPLETS = ['sh', 'echo', 'sleep', 'cat', 'httpd', 'wget', 'id', 'pwd', 'env', 'ls', 'head', 'dd',
  'true', 'false', 'hostname', 'ps', 'kill', 'trap', 'test', 'mkdir', 'ulimit', 'rm'];

/** Why the allocator is a shell loop: no compiler is available, and `s="$s$s"` makes ash hold a
 * string that doubles every round, so its resident memory grows until the cgroup limit kills it. */
const SCRIPTS: Record<string, string> = {
  '/app/loop.sh': 'i=0\nwhile true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done\n',
  '/app/alloc.sh': 's=x\nwhile true; do s="$s$s"; echo "allocated ${#s}"; done\n',
  '/app/ignore-term.sh': "trap 'echo got TERM' TERM\necho ready\nwhile true; do sleep 0.1; done\n",
  // The seed labs' container health check is CMD-SHELL `curl -f http://localhost:8080/health || exit 1`
  // (shared/seeds/002, the ALB lab). No curl binary exists for an empty busybox rootfs, so this is the part of
  // curl that check uses, done with busybox wget: `curl -f URL` prints the body and exits 0, or exits 22 (curl's
  // "HTTP page not retrieved") on an error status — and on a refused connection too, where curl says 7.
  '/bin/curl': [
    '#!/bin/sh',
    'fail=0; url=',
    'for arg in "$@"; do',
    '  case "$arg" in',
    '    -f|--fail) fail=1 ;;',
    '    -s|--silent|-S|--show-error) ;;',
    '    -*) echo "curl: option $arg is not supported by the test image\'s curl (only -f, -s, -S)" >&2; exit 2 ;;',
    '    *) url=$arg ;;',
    '  esac',
    'done',
    '[ -n "$url" ] || { echo "curl: no URL specified" >&2; exit 2; }',
    '[ "$fail" = 1 ] || { echo "curl: the test image\'s curl implements only curl -f URL" >&2; exit 2; }',
    'wget -q -O - "$url" || exit 22',
    '',
  ].join('\n'),
  // A page that says which task answered: its hostname (ECS names a task after its private address, so
  // tasks tell apart), the revision's REV variable and the X-Forwarded-For a load balancer added.
  '/www/cgi-bin/whoami': [
    '#!/bin/sh',
    'printf \'Content-Type: text/plain\\r\\n\\r\\n\'',
    'echo "host=$(hostname) rev=${REV:-none} forwarded-for=${HTTP_X_FORWARDED_FOR:-none}"',
    '',
  ].join('\n'),
};

export const TEST_IMAGE_TAGS = ['loop', 'httpd', 'alloc', 'ignore-term', 'shell'] as const;
export type TestImageTag = (typeof TEST_IMAGE_TAGS)[number];

const CONFIGS: Record<TestImageTag, ImageRunConfig> = {
  loop: { Env: ['PATH=/bin', 'IMAGE_VAR=from-image'], Entrypoint: ['/bin/sh'], Cmd: ['/app/loop.sh'], WorkingDir: '/' },
  httpd: { Env: ['PATH=/bin'], Cmd: ['/bin/httpd', '-f', '-p', '8080', '-h', '/www'], StopSignal: 'SIGTERM' },
  alloc: { Env: ['PATH=/bin'], Cmd: ['/bin/sh', '/app/alloc.sh'] },
  'ignore-term': { Env: ['PATH=/bin'], Cmd: ['/bin/sh', '/app/ignore-term.sh'] },
  shell: { Env: ['PATH=/bin', 'IMAGE_VAR=from-image'], Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo hello'], WorkingDir: '/app', User: 'app' },
};

/** The base layer: busybox, its applet links and the minimum a Linux userland expects. */
export async function busyboxLayer(): Promise<LayerEntry[]> {
  const busybox = await readFile(BUSYBOX_PATH);
  return [
    { path: '/bin/busybox', content: busybox, mode: 0o755 },
    ...APPLETS.map((name) => ({ path: `/bin/${name}`, symlink: 'busybox' })),
    { path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' },
    { path: '/etc/group', content: 'root:x:0:\napp:x:1000:\nextra:x:2000:app\nnogroup:x:65534:\n' },
    { path: '/tmp', dir: true, mode: 0o1777 },
    { path: '/root', dir: true, mode: 0o700 },
  ];
}

/** The second layer: the scripts and the web root. */
export function appLayer(): LayerEntry[] {
  return [
    ...Object.entries(SCRIPTS).map(([path, content]) => ({ path, content, mode: 0o755 })),
    { path: '/www/index.html', content: 'hello from bth httpd\n' },
    // What the seed labs' target group (--health-check-path /health) and container health check ask for.
    { path: '/www/health', content: 'ok\n' },
  ];
}

/** True when Debian's busybox-static is installed (the images cannot be built without it). */
export async function busyboxAvailable(): Promise<boolean> {
  return access(BUSYBOX_PATH).then(() => true, () => false);
}

/** Writes every test image into the OCI layout at `dir`, tagged by its name. */
export async function buildTestImages(dir: string): Promise<Record<TestImageTag, WrittenImage>> {
  const base = await busyboxLayer();
  const app = appLayer();
  const out = {} as Record<TestImageTag, WrittenImage>;
  for (const tag of TEST_IMAGE_TAGS) out[tag] = await writeImage(dir, { tag, layers: [base, app], config: CONFIGS[tag] });
  return out;
}
