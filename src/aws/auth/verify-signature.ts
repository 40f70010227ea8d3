// Recomputes a request's SigV4 signature with the official @smithy/signature-v4 and compares it
// to the one sent: strict mode's proof that the caller holds the secret key.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RawRequest } from '../protocol/wire.ts';
import { parseAmzDate, type SigV4Fields } from './sigv4-scope.ts';

export async function signatureMatches(request: RawRequest, sig: SigV4Fields, secretAccessKey: string): Promise<boolean> {
  const signingDate = parseAmzDate(sig.amzDate);
  if (!signingDate) return false;
  const headers: Record<string, string> = {};
  for (const name of sig.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  // The signer trusts an x-amz-content-sha256 header as the payload hash; a service must not:
  // hash the body actually received, so a body changed in flight cannot keep its signature.
  if (headers['x-amz-content-sha256'] !== undefined && headers['x-amz-content-sha256'] !== 'UNSIGNED-PAYLOAD') {
    headers['x-amz-content-sha256'] = createHash('sha256').update(request.body).digest('hex');
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of request.query) {
    if (sig.presigned && key === 'X-Amz-Signature') continue;
    const prior = query[key];
    query[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  const signer = new SignatureV4({
    service: sig.service,
    region: sig.region,
    sha256: Sha256,
    // Sign exactly the headers the caller signed: left on, the signer adds x-amz-content-sha256 itself, which
    // botocore (the AWS CLI) does not send or sign for JSON and Query services, so every CLI request failed.
    applyChecksum: false,
    credentials: { accessKeyId: sig.accessKeyId, secretAccessKey, ...(sig.sessionToken ? { sessionToken: sig.sessionToken } : {}) },
  });
  const [hostname = '', port] = (request.headers['host'] ?? '').split(':');
  const httpRequest = {
    method: request.method,
    protocol: 'http:',
    hostname,
    ...(port ? { port: Number(port) } : {}),
    path: request.path,
    query,
    headers,
    body: request.body,
  };
  let expected: string;
  if (sig.presigned) {
    const presigned = await signer.presign(httpRequest, {
      signingDate,
      expiresIn: Number(request.query.get('X-Amz-Expires') ?? '900'),
      signableHeaders: new Set(sig.signedHeaders),
    });
    expected = String(presigned.query?.['X-Amz-Signature'] ?? '');
  } else {
    const signed = await signer.sign(httpRequest, { signingDate, signableHeaders: new Set(sig.signedHeaders) });
    expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers['authorization'] ?? ''))?.[1] ?? '';
  }
  const a = Buffer.from(expected);
  const b = Buffer.from(sig.signature.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
