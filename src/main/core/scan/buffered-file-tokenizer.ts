import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AbstractTokenizer, EndOfStreamError } from 'strtok3';
import type { IFileInfo, IReadChunkOptions } from 'strtok3';

const blockSize = 64 * 1024;

/**
 * A random-access tokenizer for music-metadata that reads with blocking calls through a 64 KiB block cache.
 * Tag parsers read a file in many tiny tokens; strtok3's FileTokenizer turns each into an async read on the
 * thread pool, which dominated scan time. The scanner runs in a worker thread, where blocking reads are the
 * fastest way to get a header, and one block usually holds all the tags.
 */
export class BufferedFileTokenizer extends AbstractTokenizer {
  fileInfo: IFileInfo;
  private fd: number | null;
  private block = new Uint8Array(blockSize);
  private blockStart = 0;
  private blockLength = 0;

  /** `sizeUnknown`: the parsers are not told the file's size (reading a file cut short as far as it goes). */
  constructor(path: string, options: { sizeUnknown?: boolean } = {}) {
    super();
    this.fd = openSync(path, 'r');
    try {
      const size = fstatSync(this.fd).size;
      this.fileInfo = options.sizeUnknown ? {} : { size };
    } catch (error) {
      closeSync(this.fd);
      throw error;
    }
  }

  supportsRandomAccess(): boolean {
    return true;
  }

  setPosition(position: number): void {
    this.position = position;
  }

  async readBuffer(target: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const o = this.normalize(target, options);
    const n = this.readAt(target, o.offset, o.length, o.position, o.mayBeLess);
    this.position = o.position + n;
    return n;
  }

  async peekBuffer(target: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const o = this.normalize(target, options);
    return this.readAt(target, o.offset, o.length, o.position, o.mayBeLess);
  }

  protected override async closeOnce(): Promise<void> {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    await super.closeOnce();
  }

  private normalize(target: Uint8Array, options?: IReadChunkOptions) {
    const position = options?.position ?? this.position;
    const length = options?.length ?? target.length;
    if (length > target.length) throw new RangeError('length must not exceed the target buffer length');
    return { position, offset: 0, length, mayBeLess: options?.mayBeLess === true };
  }

  private readAt(target: Uint8Array, offset: number, length: number, position: number, mayBeLess: boolean): number {
    if (this.fd === null) throw new Error('Tokenizer is closed');
    let done = 0;
    while (done < length) {
      const pos = position + done;
      const inBlock = pos - this.blockStart;
      if (inBlock >= 0 && inBlock < this.blockLength) {
        const n = Math.min(length - done, this.blockLength - inBlock);
        target.set(this.block.subarray(inBlock, inBlock + n), offset + done);
        done += n;
        continue;
      }
      const want = length - done;
      if (want >= blockSize) {
        const n = readSync(this.fd, target, offset + done, want, pos);
        if (n === 0) break;
        done += n;
        continue;
      }
      this.blockStart = pos;
      this.blockLength = readSync(this.fd, this.block, 0, blockSize, pos);
      if (this.blockLength === 0) break;
    }
    if (!mayBeLess && done < length) throw new EndOfStreamError();
    return done;
  }
}
