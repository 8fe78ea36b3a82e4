import { describe, expect, it } from 'vitest';
import { OutputTail } from '../../src/exec/output-tail.ts';

describe('OutputTail', () => {
  describe('under its limit', () => {
    it('keeps everything written, in order', () => {
      const tail = new OutputTail(16);
      tail.push(Buffer.from('abc'));
      tail.push(Buffer.from('def'));
      expect(tail.toString()).toBe('abcdef');
      expect(tail.totalBytes).toBe(6);
    });
  });

  describe('over its limit', () => {
    it('keeps only the last limit bytes across many small chunks', () => {
      const tail = new OutputTail(10);
      for (let i = 0; i < 1000; i++) tail.push(Buffer.from(`${i % 10}`));
      expect(tail.toString()).toBe('0123456789');
      expect(tail.totalBytes).toBe(1000);
    });

    it('keeps only the last limit bytes of one large chunk', () => {
      const tail = new OutputTail(4);
      tail.push(Buffer.from('abcdefgh'));
      expect(tail.toString()).toBe('efgh');
    });

    it('drops a multi-byte character cut in half at the start', () => {
      const tail = new OutputTail(5);
      tail.push(Buffer.from('xé€ok')); // x, é (2 bytes), € (3 bytes), o, k: the last 5 bytes cut into €
      expect(tail.toString()).toBe('€ok');
    });
  });

  describe('with limit 0', () => {
    it('keeps nothing', () => {
      const tail = new OutputTail(0);
      tail.push(Buffer.from('abc'));
      expect(tail.toString()).toBe('');
    });
  });
});
