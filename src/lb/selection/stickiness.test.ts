import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSticky, encodeSticky, parseCookies, setsCookie, stickinessOf, stickyCookies } from './stickiness.ts';

test('stickiness from the target group\'s attributes', () => {
  assert.equal(stickinessOf({ 'stickiness.enabled': 'false', 'stickiness.type': 'lb_cookie' }), undefined);
  assert.deepEqual(stickinessOf({ 'stickiness.enabled': 'true', 'stickiness.type': 'lb_cookie', 'stickiness.lb_cookie.duration_seconds': '60' }), { kind: 'lb_cookie', durationSeconds: 60 });
  assert.deepEqual(stickinessOf({ 'stickiness.enabled': 'true', 'stickiness.type': 'app_cookie', 'stickiness.app_cookie.cookie_name': 'SESSION', 'stickiness.app_cookie.duration_seconds': '120' }),
    { kind: 'app_cookie', cookieName: 'SESSION', durationSeconds: 120 });
});

test('cookies: parsed, encoded and set with an expiry; the CORS twin for AWSALB', () => {
  assert.deepEqual([...parseCookies('a=1; AWSALB=xyz; a=2')], [['a', '1'], ['AWSALB', 'xyz']]);
  assert.equal(decodeSticky(encodeSticky('10.72.0.5:8080')), '10.72.0.5:8080');
  const cookies = stickyCookies('AWSALB', 'k', 60, Date.UTC(2024, 0, 1), false);
  assert.deepEqual(cookies, [
    `AWSALB=${encodeSticky('k')}; Expires=Mon, 01 Jan 2024 00:01:00 GMT; Path=/`,
    `AWSALBCORS=${encodeSticky('k')}; Expires=Mon, 01 Jan 2024 00:01:00 GMT; Path=/; SameSite=None`,
  ]);
  assert.equal(stickyCookies('AWSALBAPP-0', 'k', 60, 0, false).length, 1);
  assert.equal(setsCookie(['other=1', 'SESSION=abc; Path=/'], 'SESSION'), true);
  assert.equal(setsCookie('SESSIONX=1', 'SESSION'), false);
});
