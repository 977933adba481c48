// Health, security headers, the served OpenAPI document, unknown paths and wrong methods.
//
// Readings beyond docs/api.md (the server should match these):
// - Security headers are on every /api/ response, errors included: Content-Security-Policy
//   containing frame-ancestors 'none', X-Content-Type-Options: nosniff, Cache-Control
//   containing no-store, and a non-empty X-Request-Id that differs between requests.
// - /api/v1/openapi.yaml serves docs/openapi.yaml byte for byte (embedded at build time),
//   with a YAML content type (application/yaml, application/x-yaml or text/yaml).
// - An unknown path under /api/ answers 404 with the JSON error body (code not_found).
// - A known path with a method it does not take answers 405 method_not_allowed with an
//   Allow header listing the methods it does take (RFC 9110 §15.5.6).
// - Request headers over 8 KiB: 431 headers_too_large; far over: 431 or the connection is closed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { API, get, request, expectError, expectStatus, rawRequest } from './lib.mjs';

function checkSecurityHeaders(res, what) {
  const csp = res.headers.get('content-security-policy') || '';
  assert.match(csp, /frame-ancestors\s+'none'/, `${what}: Content-Security-Policy with frame-ancestors 'none'`);
  assert.equal((res.headers.get('x-content-type-options') || '').toLowerCase(), 'nosniff', `${what}: nosniff`);
  assert.match(res.headers.get('cache-control') || '', /no-store/, `${what}: Cache-Control no-store`);
  assert.ok((res.headers.get('x-request-id') || '').length > 0, `${what}: X-Request-Id`);
}

test('GET /health reports status, version, store and schema version', async () => {
  const res = await get('/health');
  expectStatus(res, 200);
  assert.match(res.headers.get('content-type') || '', /^application\/json/);
  const h = res.json;
  assert.equal(h.status, 'ok');
  assert.equal(typeof h.version, 'string');
  assert.match(h.version, /^\d+\.\d+\.\d+/);
  assert.ok(['sqlite', 'postgresql'].includes(h.store), `store: ${h.store}`);
  if (process.env.MZ_STORE) assert.equal(h.store, process.env.MZ_STORE);
  assert.ok(Number.isInteger(h.schema_version) && h.schema_version >= 1, `schema_version: ${h.schema_version}`);
});

test('API responses carry the security headers and a fresh X-Request-Id', async () => {
  const a = await get('/health');
  const b = await get('/health');
  checkSecurityHeaders(a, 'GET /health');
  checkSecurityHeaders(b, 'GET /health');
  assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'), 'request ids must differ');
  // Errors too.
  const unauth = await get('/users');
  expectError(unauth, 401, 'unauthenticated', null);
  checkSecurityHeaders(unauth, 'GET /users (401)');
  const missing = await get('/no-such-thing');
  checkSecurityHeaders(missing, 'GET /no-such-thing (404)');
});

test('GET /api/v1/openapi.yaml serves the contract file', async () => {
  const res = await get('/openapi.yaml');
  expectStatus(res, 200);
  assert.match(res.headers.get('content-type') || '', /yaml/);
  assert.match(res.text, /^openapi:\s*['"]?3\.\d/m);
  assert.ok(res.text.includes('/users/{id}'), 'document describes /users/{id}');
  checkSecurityHeaders(res, 'GET /openapi.yaml');
  const file = await readFile(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8');
  assert.equal(res.text, file, 'served document equals docs/openapi.yaml');
});

test('unknown /api path → 404 JSON error', async () => {
  for (const path of ['/no-such-thing', '/users/1/no-such-thing', `${API.replace(/\/v1$/, '')}/v9/health`]) {
    const res = await get(path);
    expectError(res, 404, 'not_found');
    assert.match(res.headers.get('content-type') || '', /^application\/json/, path);
  }
});

test('wrong method → 405 method_not_allowed with Allow', async () => {
  for (const method of ['DELETE', 'PUT', 'POST']) {
    const res = await request(method, '/health', method === 'DELETE' ? {} : { body: {} });
    expectError(res, 405, 'method_not_allowed', null);
    assert.match(res.headers.get('allow') || '', /GET/, `${method} /health: Allow header`);
  }
  const res = await request('PUT', '/openapi.yaml', { body: {} });
  expectError(res, 405, 'method_not_allowed', null);
});

test('request headers over 8 KiB are refused with 431 headers_too_large', async () => {
  expectStatus(await rawRequest('GET', '/health', { headers: { 'x-padding': 'a'.repeat(7 * 1024) } }), 200);
  const res = await rawRequest('GET', '/health', { headers: { 'x-padding': 'a'.repeat(10 * 1024) } });
  expectError(res, 431, 'headers_too_large', null);
});

test('request headers far over 8 KiB are refused (431 or connection closed)', async () => {
  let res = null;
  try {
    res = await rawRequest('GET', '/health', { headers: { 'x-padding': 'a'.repeat(20 * 1024) } });
  } catch {
    res = null; // closed by the server: acceptable
  }
  if (res) assert.equal(res.status, 431, `expected 431 or a closed connection, got ${res.status}`);
  // The server is still alive afterwards.
  expectStatus(await get('/health'), 200);
});
