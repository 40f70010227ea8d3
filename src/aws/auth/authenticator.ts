// Turns a request's SigV4 fields into the calling principal and its region; in strict mode it
// also verifies the signature and rejects bad, missing or expired credentials as AWS does.
import { AwsError } from '../errors.ts';
import type { Principal } from '../context.ts';
import type { RawRequest } from '../protocol/wire.ts';
import { parseAmzDate, readSigV4 } from './sigv4-scope.ts';
import { signatureMatches } from './verify-signature.ts';

/** What a known access key stands for. IAM (users' keys) and STS (temporary keys) provide these. */
export interface IssuedCredential {
  /** An IAM key made Inactive still exists, and authenticates nothing. */
  active: boolean;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  principal: Principal;
}

/** Looks up access keys that Berth issued; the store-backed implementation lives with IAM/STS. */
export interface CredentialLookup {
  find(accessKeyId: string): Promise<IssuedCredential | undefined>;
}

export interface AuthSettings {
  strict: boolean;
  defaultAccountId: string;
  defaultRegion: string;
  /** The account's root key pair: accepted in strict mode (in lenient mode any unknown key is root). */
  rootAccessKeyId: string;
  rootSecretAccessKey: string;
}

export interface Authenticated {
  principal: Principal;
  region: string;
  /** The SigV4 scope's service name, when signed. Routing uses it. */
  signingService: string | undefined;
}

/** AWS's auth failures, worded per error family; the protocol layer adds the envelope. */
export type AuthFailure = 'missing' | 'malformed' | 'unknown-key' | 'bad-signature' | 'expired';

export class AuthError extends AwsError {
  readonly failure: AuthFailure;
  constructor(failure: AuthFailure, code: string, message: string, httpStatus: number) {
    super({ code, httpStatus, senderFault: true, message });
    this.failure = failure;
  }
}

/** AWS allows 15 minutes of clock skew between signer and service. */
const MAX_SKEW_MS = 15 * 60 * 1000;

export class Authenticator {
  readonly #settings: AuthSettings;
  readonly #lookup: CredentialLookup;

  constructor(settings: AuthSettings, lookup: CredentialLookup) {
    this.#settings = settings;
    this.#lookup = lookup;
  }

  rootPrincipal(accessKeyId: string): Principal {
    const account = this.#settings.defaultAccountId;
    return { accountId: account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId, kind: 'root' };
  }

  /** Throws AuthError; `now` is the request's time. */
  async authenticate(request: RawRequest, now: Date): Promise<Authenticated> {
    const sig = readSigV4(request);
    const strict = this.#settings.strict;
    if (sig === 'malformed') {
      throw new AuthError('malformed', 'IncompleteSignature', 'Authorization header requires \'Credential\', \'Signature\' and \'SignedHeaders\' parameters with a valid credential scope.', 400);
    }
    if (sig === undefined) {
      if (strict) throw new AuthError('missing', 'MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      return { principal: this.rootPrincipal('anonymous'), region: this.#settings.defaultRegion, signingService: undefined };
    }
    const issued = await this.#lookup.find(sig.accessKeyId);
    const isRoot = sig.accessKeyId === this.#settings.rootAccessKeyId;
    if (strict) {
      const secret = issued?.secretAccessKey ?? (isRoot ? this.#settings.rootSecretAccessKey : undefined);
      if (secret === undefined) {
        throw new AuthError('unknown-key', 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
      }
      const signedAt = parseAmzDate(sig.amzDate);
      if (!signedAt || Math.abs(signedAt.getTime() - now.getTime()) > MAX_SKEW_MS) {
        throw new AuthError('expired', 'SignatureDoesNotMatch', `Signature expired: ${sig.amzDate ?? '(no date)'} is now earlier or later than the allowed 15 minutes of skew from ${formatAmzDate(now)}.`, 403);
      }
      if (!(await signatureMatches(request, sig, secret))) {
        throw new AuthError('bad-signature', 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.', 403);
      }
    }
    if (issued) {
      // Checked in lenient mode too: a key IAM issued and then disabled must not fall back to root.
      if (!issued.active) {
        throw new AuthError('unknown-key', 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
      }
      if (issued.sessionToken !== undefined && issued.sessionToken !== sig.sessionToken) {
        throw new AuthError('unknown-key', 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
      }
      if (issued.expiration && issued.expiration.getTime() <= now.getTime()) {
        throw new AuthError('expired', 'ExpiredToken', 'The security token included in the request is expired', 403);
      }
      return { principal: issued.principal, region: sig.region, signingService: sig.service };
    }
    return { principal: this.rootPrincipal(sig.accessKeyId), region: sig.region, signingService: sig.service };
  }
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
