import nock from 'nock';
import { Octokit } from 'octokit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allocateTagVersion,
  MAX_TAG_CONFLICTS,
  numberOf,
  refNameProblem,
  TagVersionError,
} from '../../src/github/tag-versions.ts';

const API = 'https://api.github.com';
const REPO = { owner: 'acme', repo: 'shop' };
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const client = () => new Octokit({ auth: 'test', throttle: { enabled: false }, retry: { enabled: false } });
const tags = (versions: string[]) =>
  versions.map((v) => ({ ref: `refs/tags/tranche/shop/${v}`, object: { sha: SHA, type: 'commit' } }));

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('numberOf', () => {
  it('reads the release number back through the template', () => {
    expect(numberOf('2.14.7', '2.14.{n}')).toBe(7);
    expect(numberOf('41', '{n}')).toBe(41);
  });

  it('ignores versions another template made', () => {
    expect(numberOf('2.13.9', '2.14.{n}')).toBeUndefined();
    expect(numberOf('2.14.7-rc', '2.14.{n}')).toBeUndefined();
  });

  it('needs every {n} of a template to agree', () => {
    expect(numberOf('v3-3', 'v{n}-{n}')).toBe(3);
    expect(numberOf('v3-4', 'v{n}-{n}')).toBeUndefined();
  });
});

describe('refNameProblem', () => {
  it('accepts ordinary tag names', () => {
    expect(refNameProblem('tranche/shop/2.14.7')).toBeUndefined();
  });

  it.each([
    ['tranche/my shop/1', 'space'],
    ['tranche/shop/1..2', '".."'],
    ['tranche/shop/1.lock', '".lock"'],
    ['tranche/.shop/1', 'starts with "."'],
    ['tranche/shop/a:b', ':'],
  ])('names the problem with %s', (name, words) => {
    expect(refNameProblem(name)).toContain(words);
  });
});

describe('allocateTagVersion', () => {
  it('starts after the highest number among the service’s tags of this template', async () => {
    const scope = nock(API)
      .get('/repos/acme/shop/git/matching-refs/tags%2Ftranche%2Fshop%2F')
      .reply(200, tags(['2.14.3', '2.14.12', '2.13.40', 'other']))
      .post('/repos/acme/shop/git/refs', { ref: 'refs/tags/tranche/shop/2.14.13', sha: SHA })
      .reply(201, {});
    const record = await allocateTagVersion(client(), REPO, {
      service: 'shop',
      commit: SHA,
      template: '2.14.{n}',
      now: 5,
    });
    expect(record).toEqual({ service: 'shop', n: 13, version: '2.14.13', commit: SHA, createdAt: 5 });
    expect(scope.isDone()).toBe(true);
  });

  it('starts at 1 when the service has no tags', async () => {
    const scope = nock(API)
      .get('/repos/acme/shop/git/matching-refs/tags%2Ftranche%2Fshop%2F')
      .reply(200, [])
      .post('/repos/acme/shop/git/refs', { ref: 'refs/tags/tranche/shop/1', sha: SHA })
      .reply(201, {});
    const record = await allocateTagVersion(client(), REPO, {
      service: 'shop',
      commit: SHA,
      template: '{n}',
      now: 0,
    });
    expect(record.version).toBe('1');
    expect(scope.isDone()).toBe(true);
  });

  it('gives up with a clear error after too many taken numbers in a row', async () => {
    const scope = nock(API)
      .get('/repos/acme/shop/git/matching-refs/tags%2Ftranche%2Fshop%2F')
      .reply(200, [])
      .post('/repos/acme/shop/git/refs')
      .times(MAX_TAG_CONFLICTS + 1)
      .reply(422, { message: 'Reference already exists' });
    await expect(
      allocateTagVersion(client(), REPO, { service: 'shop', commit: SHA, template: '{n}', now: 0 }),
    ).rejects.toThrow(`${MAX_TAG_CONFLICTS + 1} tags in a row under tranche/shop/ were taken`);
    expect(scope.isDone()).toBe(true);
  });

  it('does not take another 422 (an invalid ref, say) for a taken number', async () => {
    const scope = nock(API)
      .get('/repos/acme/shop/git/matching-refs/tags%2Ftranche%2Fshop%2F')
      .reply(200, [])
      .post('/repos/acme/shop/git/refs')
      .reply(422, { message: 'Object does not exist' });
    await expect(
      allocateTagVersion(client(), REPO, { service: 'shop', commit: SHA, template: '{n}', now: 0 }),
    ).rejects.toThrow('Object does not exist');
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a service name that cannot be part of a tag, before creating anything', async () => {
    const scope = nock(API)
      .get('/repos/acme/shop/git/matching-refs/tags%2Ftranche%2Fmy%20shop%2F')
      .reply(200, []);
    const error = await allocateTagVersion(client(), REPO, {
      service: 'my shop',
      commit: SHA,
      template: '{n}',
      now: 0,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TagVersionError);
    expect(String(error)).toContain('the tag name tranche/my shop/1 contains a space');
    expect(scope.isDone()).toBe(true);
  });
});
