// The codes and statuses each protocol family uses for the same authentication failure.
import { AwsError } from '../errors.ts';
import type { ProtocolName } from '../protocol/wire.ts';
import type { AuthError } from './authenticator.ts';

type Wording = { code: string; status: number; message?: string };

const JSON_SERVICES: Record<AuthError['failure'], Wording> = {
  missing: { code: 'MissingAuthenticationTokenException', status: 400, message: 'Missing Authentication Token' },
  malformed: { code: 'IncompleteSignatureException', status: 400 },
  'unknown-key': { code: 'UnrecognizedClientException', status: 400 },
  'bad-signature': { code: 'InvalidSignatureException', status: 400 },
  expired: { code: 'ExpiredTokenException', status: 400 },
};

const EC2: Record<AuthError['failure'], Wording> = {
  missing: { code: 'MissingAuthenticationToken', status: 401, message: 'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.' },
  malformed: { code: 'IncompleteSignature', status: 400 },
  'unknown-key': { code: 'AuthFailure', status: 401, message: 'AWS was not able to validate the provided access credentials' },
  'bad-signature': { code: 'AuthFailure', status: 401, message: 'AWS was not able to validate the provided access credentials' },
  expired: { code: 'RequestExpired', status: 400, message: 'Request has expired.' },
};

/** Query services (IAM, STS) use the authenticator's own wording. */
export function authErrorFor(protocol: ProtocolName, error: AuthError): AwsError {
  const table = protocol === 'ec2Query' ? EC2 : protocol === 'awsQuery' ? undefined : JSON_SERVICES;
  const wording = table?.[error.failure];
  if (!wording) return error;
  if (error.failure === 'expired' && error.code === 'SignatureDoesNotMatch' && table === JSON_SERVICES) {
    return new AwsError({ code: 'InvalidSignatureException', httpStatus: 400, senderFault: true, message: error.message });
  }
  return new AwsError({ code: wording.code, httpStatus: wording.status, senderFault: true, message: wording.message ?? error.message });
}
