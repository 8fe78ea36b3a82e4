import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = [
  'README.md',
  'BENCHMARKS.md',
  'RELIABILITY.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** A page's lines outside fenced code blocks, where Markdown links and headings are live. */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && !line.startsWith('```');
  });
}

/** GitHub's anchor for a heading: lowercased, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const headings = proseLines(readFileSync(file, 'utf8')).flatMap((line) => {
    const match = /^#{1,6} (.*)$/.exec(line);
    return match?.[1] === undefined ? [] : [anchorOf(match[1])];
  });
  return new Set(headings);
}

/** Every link in the page's prose that points inside the repository, as "page -> target". */
function localLinks(page: string): string[] {
  const links = proseLines(readFileSync(join(ROOT, page), 'utf8')).flatMap((line) =>
    [...line.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? ''),
  );
  return links.filter((target) => !/^[a-z]+:/.test(target));
}

/** This repository on GitHub: pages link there for files the npm package does not hold. */
const REPOSITORY = /^https:\/\/github\.com\/tranche-dev\/tranche\/(?:blob|tree)\/main\/(.*)$/;

/** Links to this repository's files on GitHub, as paths from the repository's root. */
function repositoryLinks(page: string): string[] {
  const links = proseLines(readFileSync(join(ROOT, page), 'utf8')).flatMap((line) =>
    [...line.matchAll(/\]\((https:[^)\s]+)\)/g)].map((match) => match[1] ?? ''),
  );
  return links.flatMap((link) => {
    const path = REPOSITORY.exec(link)?.[1];
    return path === undefined ? [] : [path];
  });
}

/** Why a link is broken, or undefined when its file (and heading) exist. */
function brokenReason(page: string, target: string, from = dirname(join(ROOT, page))): string | undefined {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? join(ROOT, page) : join(from, path);
  if (!existsSync(file)) return `no file ${relative(ROOT, file)}`;
  if (anchor !== undefined && !anchorsOf(file).has(anchor))
    return `no heading #${anchor} in ${relative(ROOT, file)}`;
  return undefined;
}

describe('the documentation pages', () => {
  it('are the README and more than one page under docs/', () => {
    expect(PAGES.length).toBeGreaterThan(2);
  });

  for (const page of PAGES) {
    it(`${page}: every link inside the repository finds its file and heading`, () => {
      const broken = localLinks(page).flatMap((target) => {
        const reason = brokenReason(page, target);
        return reason === undefined ? [] : [`${target}: ${reason}`];
      });
      expect(broken).toEqual([]);
    });

    it(`${page}: every link to this repository on GitHub finds its file and heading`, () => {
      const broken = repositoryLinks(page).flatMap((target) => {
        const reason = brokenReason(page, target, ROOT);
        return reason === undefined ? [] : [`${target}: ${reason}`];
      });
      expect(broken).toEqual([]);
    });
  }

  it('the README stays a first page: at most 250 lines', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });
});

describe('the link check itself', () => {
  it('finds a link to a heading that does not exist', () => {
    expect(brokenReason('README.md', 'docs/cli.md#no-such-heading')).toBe(
      'no heading #no-such-heading in docs/cli.md',
    );
  });

  it('reads a link to this repository on GitHub as a path in it, and finds one that does not exist', () => {
    expect(REPOSITORY.exec('https://github.com/tranche-dev/tranche/blob/main/app.yml')?.[1]).toBe('app.yml');
    expect(REPOSITORY.exec('https://github.com/other/tranche/blob/main/app.yml')).toBeNull();
    expect(brokenReason('docs/bot.md', 'no-such-file.yml', ROOT)).toBe('no file no-such-file.yml');
  });

  it('finds a link to a file that does not exist', () => {
    expect(brokenReason('docs/cli.md', '../no-such-file.md')).toBe('no file no-such-file.md');
  });

  it('reads headings with code and punctuation as GitHub anchors them', () => {
    expect(anchorOf('Configuration: `tranche.yml`')).toBe('configuration-trancheyml');
    expect(anchorOf('Bundles: moving records between ledgers')).toBe(
      'bundles-moving-records-between-ledgers',
    );
  });
});
