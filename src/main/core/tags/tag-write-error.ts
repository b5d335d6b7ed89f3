import type { TagErrorCode } from '../../../shared/api/tags.ts';

/** Why one file was not written; the message is shown to the person as is. The batch goes on with the next file. */
export class TagWriteError extends Error {
  readonly code: TagErrorCode;

  constructor(code: TagErrorCode, message: string) {
    super(message);
    this.name = 'TagWriteError';
    this.code = code;
  }
}

/** A file-system error turned into a TagWriteError with a sentence a person understands. */
export function describeWriteFsError(error: unknown, what: string): TagWriteError {
  if (error instanceof TagWriteError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new TagWriteError('missing', `The ${what} no longer exists`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new TagWriteError('disk_full', `Not enough free space on the disk to write the ${what}`);
    case 'EROFS':
      return new TagWriteError('read_only', `The disk holding the ${what} is mounted read-only`);
    case 'EACCES':
    case 'EPERM':
      return new TagWriteError('permission', `Permission denied: the ${what} cannot be written`);
    case 'EIO':
      return new TagWriteError('io', `Input/output error while writing the ${what}`);
    default:
      return new TagWriteError('io', `Could not write the ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
