import { describe, expect, it } from 'vitest';
import { redactCredentials, redactDeep } from '../../src/engine/redact.ts';

describe('redactCredentials', () => {
  it('masks the userinfo of every URL in a text, keeping scheme, host and path', () => {
    expect(
      redactCredentials('GET http://admin:SECRET@web-1/health and https://tok@prom:9090/api failed'),
    ).toBe('GET http://***@web-1/health and https://***@prom:9090/api failed');
  });

  it('masks a password holding a raw @ up to the host', () => {
    expect(redactCredentials('postgres://u:p@ss@db:5432/x')).toBe('postgres://***@db:5432/x');
  });

  it('leaves an @ after the host alone', () => {
    const text = 'https://web/users?email=a@example.com and mail ops@example.com';
    expect(redactCredentials(text)).toBe(text);
  });
});

describe('redactDeep', () => {
  it('masks strings inside arrays and plain objects and leaves other values as they are', () => {
    const value = { message: 'http://a:b@h/', data: { urls: ['http://c:d@h/'], n: 3, ok: true, none: null } };
    expect(redactDeep(value)).toEqual({
      message: 'http://***@h/',
      data: { urls: ['http://***@h/'], n: 3, ok: true, none: null },
    });
  });
});
