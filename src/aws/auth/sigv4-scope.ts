// Reads the SigV4 fields of a request (Authorization header or presigned query): who signed,
// for which region and service, and over which headers. Verification is in verify-signature.ts.
import type { RawRequest } from '../protocol/wire.ts';

export interface SigV4Fields {
  accessKeyId: string;
  /** yyyymmdd from the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Date: yyyymmddThhmmssZ. */
  amzDate: string | undefined;
  sessionToken: string | undefined;
  presigned: boolean;
}

const AUTH_HEADER = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/i;

/** undefined when the request carries no SigV4 signature at all. `malformed` when it carries a broken one. */
export function readSigV4(request: RawRequest): SigV4Fields | 'malformed' | undefined {
  const header = request.headers['authorization'];
  if (header !== undefined) {
    const match = AUTH_HEADER.exec(header);
    if (!match) return 'malformed';
    return fields(match[1] ?? '', match[2] ?? '', match[3] ?? '', request.headers['x-amz-date'],
      request.headers['x-amz-security-token'], false);
  }
  const credential = request.query.get('X-Amz-Credential');
  if (credential === null) return undefined;
  return fields(credential, request.query.get('X-Amz-SignedHeaders') ?? '', request.query.get('X-Amz-Signature') ?? '',
    request.query.get('X-Amz-Date') ?? undefined, request.query.get('X-Amz-Security-Token') ?? undefined, true);
}

function fields(credential: string, signedHeaders: string, signature: string, amzDate: string | undefined,
  sessionToken: string | undefined, presigned: boolean): SigV4Fields | 'malformed' {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return 'malformed';
  const [accessKeyId = '', date = '', region = '', service = ''] = parts;
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || !service) return 'malformed';
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';').filter(Boolean), signature,
    amzDate, sessionToken, presigned };
}

/** `20260101T120000Z` → Date, undefined when malformed. */
export function parseAmzDate(amzDate: string | undefined): Date | undefined {
  const m = amzDate ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate) : null;
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}
