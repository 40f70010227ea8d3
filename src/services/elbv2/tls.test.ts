// The self-signed certificate an HTTPS listener serves: for the load balancer's DNS name, with its key.
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { checkCertificateArn, selfSignedIssuer } from './tls.ts';

void test('selfSigned makes a certificate for the DNS name that its key matches', async () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const pems = await selfSignedIssuer.selfSigned('api-alb-1234567890.us-east-1.elb.localhost', now);
  const cert = new X509Certificate(pems.certificatePem);
  assert.ok(cert.checkHost('api-alb-1234567890.us-east-1.elb.localhost'));
  assert.equal(cert.checkHost('other.elb.localhost'), undefined);
  assert.ok(cert.checkPrivateKey(createPrivateKey(pems.privateKeyPem)));
  assert.equal(new Date(cert.validFrom).getTime(), now.getTime());
  assert.ok(new Date(cert.validTo).getTime() > now.getTime() + 365 * 24 * 3600 * 1000);
});

void test('checkCertificateArn takes ACM and IAM certificate ARNs only', () => {
  checkCertificateArn('arn:aws:acm:us-east-1:123456789012:certificate/0d3c1e5a-1111-2222-3333-444455556666');
  checkCertificateArn('arn:aws:iam::123456789012:server-certificate/my-cert');
  assert.throws(() => checkCertificateArn('arn:aws:s3:::bucket'), { code: 'CertificateNotFound', message: "Certificate 'arn:aws:s3:::bucket' not found" });
});
