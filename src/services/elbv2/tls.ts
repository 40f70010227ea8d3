// The certificates an HTTPS (or TLS) listener serves. Berth has no ACM, and its IAM does not keep server
// certificates (UploadServerCertificate is not served), so whatever CertificateArn a listener names, the
// data plane serves a self-signed certificate generated for the load balancer's DNS name at CreateListener.
import { generate } from 'selfsigned';
import { CertificateNotFoundException } from './errors.ts';

/** The PEMs a listener serves (ListenerRecord.tls). */
export interface ListenerTls {
  certificatePem: string;
  privateKeyPem: string;
}

/** Makes the certificate a listener serves; behind an interface so tests and other issuers can stand in. */
export interface CertificateIssuer {
  selfSigned(dnsName: string, now: Date): Promise<ListenerTls>;
}

/**
 * `selfsigned` (npm) builds the X.509 certificate: Node's crypto makes keys but cannot sign certificates,
 * and hand-writing DER/ASN.1 is not Berth's idea. An EC P-256 key, valid for 13 months (ACM's own
 * certificates' term), with the DNS name as CN and subjectAltName, which TLS clients check.
 */
export const selfSignedIssuer: CertificateIssuer = {
  async selfSigned(dnsName, now) {
    const notAfter = new Date(now.getTime() + 395 * 24 * 3600 * 1000);
    const pems = await generate([{ name: 'commonName', value: dnsName }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: now,
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: dnsName }, { type: 2, value: `*.${dnsName}` }] },
      ],
    });
    return { certificatePem: pems.cert, privateKeyPem: pems.private };
  },
};

/** ACM (`arn:aws:acm:…:certificate/<id>`) and IAM (`arn:aws:iam::<acct>:server-certificate/<name>`) certificate ARNs. */
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:(acm:[a-z0-9-]+:\d{12}:certificate\/.+|iam::\d{12}:server-certificate\/.+)$/;

/** A certificate ARN a listener may name; anything else is not a certificate AWS could find. */
export function checkCertificateArn(arn: string): void {
  // Verified in part: "CertificateNotFound: Certificate '<arn>' not found" is AWS's text for an unknown certificate.
  if (!CERTIFICATE_ARN.test(arn)) throw new CertificateNotFoundException(`Certificate '${arn}' not found`);
}
