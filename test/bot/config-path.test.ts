import { describe, expect, it } from 'vitest';
import { useBot } from './harness/bot-test.ts';
import { TRANCHE_YML } from './harness/payloads.ts';

describe("where the bot finds a repository's tranche.yml", () => {
  const t = useBot();
  const dotted = `${TRANCHE_YML}bot:\n  prefix: "."\n`;

  it('reads .github/tranche.yml from the default branch, and then no other', async () => {
    t.github.token().config(dotted).reaction().comment();
    await t.comment({ body: '.help' });
    t.github.done();
    expect(t.github.bodies('comment')[0]?.body).toContain('| `.deploy [to] <environment> [version]` |');
  });

  it('reads tranche.yml at the root when the default branch has no .github/tranche.yml', async () => {
    t.github.token().rootConfig(dotted).reaction().comment();
    await t.comment({ body: '.help' });
    t.github.done();
    expect(t.github.bodies('comment')[0]?.body).toContain('| `.deploy [to] <environment> [version]` |');
  });

  it('follows a change to the file from one webhook to the next', async () => {
    t.github.token().config(dotted).reaction().comment().config();
    await t.comment({ body: '.help' });
    await t.comment({ body: '.help', commentId: 1002 });
    t.github.done();
    expect(t.github.writeNames()).toEqual(['reaction', 'comment']);
  });

  it('names the file a problem is in', async () => {
    t.github.token().rootConfig().reaction().comment();
    await t.comment({ body: '/noop prodution' });
    t.github.done();
    expect(t.github.bodies('comment')[0]?.body).toContain(
      'There is no environment `prodution` in tranche.yml;',
    );
  });
});
