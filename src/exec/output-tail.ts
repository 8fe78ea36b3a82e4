/**
 * The last `limit` bytes of a stream, kept in bounded memory however much the stream writes.
 */
export class OutputTail {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  /** Bytes held in #chunks; may exceed the limit by less than one chunk. */
  #held = 0;
  #total = 0;

  constructor(limit: number) {
    this.#limit = Math.max(0, Math.floor(limit));
  }

  /** Bytes written in all, including those no longer held. */
  get totalBytes(): number {
    return this.#total;
  }

  push(chunk: Buffer): void {
    this.#total += chunk.length;
    if (this.#limit === 0 || chunk.length === 0) return;
    if (chunk.length >= this.#limit) {
      // Copy, so the tail does not pin the stream's (possibly much larger) buffer.
      this.#chunks = [Buffer.from(chunk.subarray(chunk.length - this.#limit))];
      this.#held = this.#limit;
      return;
    }
    this.#chunks.push(chunk);
    this.#held += chunk.length;
    // Drop whole chunks from the front while the rest still covers the limit.
    while (this.#chunks.length > 1) {
      const first = this.#chunks[0];
      if (first === undefined || this.#held - first.length < this.#limit) break;
      this.#chunks.shift();
      this.#held -= first.length;
    }
  }

  /** The tail as UTF-8, without a character cut in half at its start. */
  toString(): string {
    let bytes = Buffer.concat(this.#chunks, this.#held);
    if (bytes.length > this.#limit) bytes = bytes.subarray(bytes.length - this.#limit);
    if (this.#total > bytes.length) {
      // The tail starts mid-stream: skip UTF-8 continuation bytes of a character cut in half.
      let start = 0;
      while (start < 3 && start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
      bytes = bytes.subarray(start);
    }
    return bytes.toString('utf8');
  }
}
