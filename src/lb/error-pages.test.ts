import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorPage, unknownHostPage } from './error-pages.ts';

test('ALB-style HTML pages with the status line as title and heading', () => {
  const page = errorPage(502);
  assert.equal(page.status, 502);
  assert.equal(page.headers['content-type'], 'text/html');
  assert.equal(page.headers.server, 'awselb/2.0');
  assert.match(page.body, /<title>502 Bad Gateway<\/title>/);
  assert.match(page.body, /<center><h1>502 Bad Gateway<\/h1><\/center>/);
  assert.match(errorPage(504).body, /504 Gateway Timeout/);
  assert.match(errorPage(500, 'action <x>').body, /<p>action &#60;x&#62;<\/p>/);
});

test('an unknown host names the port and the load balancers there', () => {
  const page = unknownHostPage('nope.localhost', 80, ['a.elb.localhost', 'b.elb.localhost']);
  assert.equal(page.status, 404);
  assert.match(page.body, /port 80 answers to host 'nope\.localhost'.*a\.elb\.localhost, b\.elb\.localhost/);
});
