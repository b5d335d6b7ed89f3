/** A file that looked like audio but could not be read; the message is shown to the user as the reason. */
export class TrackReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrackReadError';
  }
}
