// Policy document text as IAM takes it in and hands it back.
//
// Facts: IAM keeps the document as the caller wrote it (white space included) and returns it
// "URL-encoded compliant with RFC 3986" from GetRole, ListRoles, GetRolePolicy, GetUserPolicy
// and GetPolicyVersion (IAM API reference, GetRole / GetRolePolicy / GetPolicyVersion). RFC 3986
// leaves only A–Z a–z 0–9 - . _ ~ unescaped, so `encodeURIComponent`'s extra ! ' ( ) * are
// escaped too (real answers carry `%7B%22Version%22%3A%222012-10-17%22…`).
import { decodePolicyText } from './policy-document.ts';

/**
 * The text to store for a policy document member (the protocol layer already checked it against the
 * model's character set, policyDocumentType), percent-decoded when the caller sent it encoded.
 */
export function policyTextOf(text: string): string {
  return decodePolicyText(text);
}

/** RFC 3986 percent-encoding of a stored document, as IAM's responses carry it. */
export function encodePolicyDocument(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
