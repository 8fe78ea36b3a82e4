import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../bot/commands/parse-command.ts';
import { renderHelp, renderParseFailure } from '../../../bot/render/help-reply.ts';
import { fuzzRuns, fuzzTimeout } from '../../support/fuzz-runs.ts';
import { commandComment, liveHostileMarkup } from './hostile-text.ts';

const QUICK = 500;

describe('the comment parser, given generated comments', () => {
  it(
    'never throws, and what it answers is short and makes nothing of the comment live',
    () => {
      fc.assert(
        fc.property(commandComment, (body) => {
          const parsed = parseCommand(body, '/');
          if (parsed === null) return;
          const reply = parsed.ok
            ? parsed.command.name === 'help'
              ? renderHelp('/', parsed.command.topic)
              : ''
            : renderParseFailure(parsed.failure, '/');
          expect(reply.length).toBeLessThan(4000);
          expect(liveHostileMarkup(reply)).toEqual([]);
        }),
        fuzzRuns(QUICK),
      );
    },
    fuzzTimeout(QUICK, 5),
  );

  it(
    'takes only arguments within their limits',
    () => {
      fc.assert(
        fc.property(commandComment, (body) => {
          const parsed = parseCommand(body, '/');
          if (!parsed?.ok) return;
          for (const value of Object.values(parsed.command)) {
            if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(255);
          }
        }),
        fuzzRuns(QUICK),
      );
    },
    fuzzTimeout(QUICK, 5),
  );
});
