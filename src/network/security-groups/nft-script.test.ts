import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { parseAddress } from '../ipv4.ts';
import { sealedScript, scriptDigest, tableScript } from './nft-script.ts';
import type { TaskRuleset } from './ruleset.ts';

const at = (address: string): number => parseAddress(address) ?? assert.fail(address);

const RULESET: TaskRuleset = {
  ingress: [
    { match: { protocol: 'icmp', type: 8 }, peers: [[at('10.75.0.0'), at('10.75.255.255')]] },
    { match: { protocol: 'tcp', fromPort: 8080, toPort: 8080 }, peers: [[at('10.75.1.1'), at('10.75.1.1')], [at('10.75.1.9'), at('10.75.1.10')]] },
    { match: { protocol: 'udp', fromPort: 53, toPort: 54 }, peers: [[0, 2 ** 32 - 1]] },
  ],
  egress: [
    { match: { protocol: 'all' }, peers: [[0, 2 ** 32 - 1]] },
    { match: { protocol: 'number', number: 132 }, peers: [[at('10.75.1.4'), at('10.75.1.4')]] },
  ],
};

test('the table script: replaced whole, drop policies, stateful, loopback open, one set per rule', () => {
  const script = tableScript(RULESET);
  const lines = script.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['add table inet berth', 'delete table inet berth', 'table inet berth {']);
  assert.match(script, /chain input \{\n {4}type filter hook input priority filter; policy drop;\n {4}ct state established,related accept\n {4}iif "lo" accept\n/);
  assert.match(script, /chain output \{\n {4}type filter hook output priority filter; policy drop;\n {4}ct state established,related accept\n {4}oif "lo" accept\n {4}ip daddr 169\.254\.170\.2 accept\n/);
  assert.ok(lines.includes('    ip saddr @in0 icmp type 8 accept'));
  assert.ok(lines.includes('    ip saddr @in1 tcp dport 8080 accept'));
  assert.ok(lines.includes('    ip saddr @in2 udp dport 53-54 accept'));
  assert.ok(lines.includes('    ip daddr @out0 accept'));
  assert.ok(lines.includes('    ip daddr @out1 meta l4proto 132 accept'));
  assert.match(script, /set in1 \{\n {4}type ipv4_addr; flags interval;\n {4}elements = \{ 10\.75\.1\.1, 10\.75\.1\.9-10\.75\.1\.10 \}\n {2}\}/);
  assert.match(script, /elements = \{ 0\.0\.0\.0-255\.255\.255\.255 \}/);
});

test('the sealed script has no rule beyond established and loopback; digests tell scripts apart', () => {
  const sealed = sealedScript();
  assert.doesNotMatch(sealed.replace(`    ip daddr 169.254.170.2 accept\n`, ''), /set |saddr|daddr/);
  assert.equal(scriptDigest(sealed), scriptDigest(tableScript({ ingress: [], egress: [] })));
  assert.notEqual(scriptDigest(sealed), scriptDigest(tableScript(RULESET)));
});

/** nft's own parser and the kernel's checks, without committing (`nft -c`): needs nft and root. */
function nftCheck(script: string): void {
  execFileSync('nft', ['-c', '-f', '-'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
}

const nftUsable = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('nft accepts the scripts (check mode, nothing committed)', { skip: nftUsable ? false : 'needs nft and root' }, () => {
  nftCheck(sealedScript());
  nftCheck(tableScript(RULESET));
  nftCheck(tableScript({ ingress: [{ match: { protocol: 'icmp', type: 3, code: 4 }, peers: [[1, 1]] }, { match: { protocol: 'icmp' }, peers: [[5, 9]] }], egress: [] }));
});
