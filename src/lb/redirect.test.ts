import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redirectLocation, type RedirectRequest } from './redirect.ts';

const request: RedirectRequest = { protocol: 'http', host: 'shop.example.com', port: 80, path: '/cart/items', query: 'a=1&b=2' };

test('HTTP to HTTPS keeping host, path and query (the guide\'s example), permanent', () => {
  const r = redirectLocation({ Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' }, request);
  assert.deepEqual(r, { status: 301, location: 'https://shop.example.com/cart/items?a=1&b=2' });
});

test('components left out keep their values; placeholders compose', () => {
  assert.equal(redirectLocation({ StatusCode: 'HTTP_302' }, { ...request, port: 8080 }).location, 'http://shop.example.com:8080/cart/items?a=1&b=2');
  const r = redirectLocation({ Path: '/new/#{path}', Query: 'from=#{host}&port=#{port}&#{query}', StatusCode: 'HTTP_302' }, request);
  assert.deepEqual(r, { status: 302, location: 'http://shop.example.com/new/cart/items?from=shop.example.com&port=80&a=1&b=2' });
  assert.equal(redirectLocation({ Host: 'www.#{host}', Protocol: '#{protocol}', StatusCode: 'HTTP_301' }, { ...request, query: '' }).location, 'http://www.shop.example.com/cart/items');
});

test('a port of this load balancer that Berth bound elsewhere is rewritten to where it listens', () => {
  const r = redirectLocation({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }, request, (port) => (port === 443 ? 34443 : port));
  assert.equal(r.location, 'https://shop.example.com:34443/cart/items?a=1&b=2');
});
