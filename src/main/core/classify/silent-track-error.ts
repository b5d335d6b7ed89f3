/**
 * A track with nothing to listen to (digital silence, or every 3 s segment below -80 dBFS RMS). The models would
 * still answer, and confidently (silence looks like nothing they were trained on), so no genre is given.
 */
export class SilentTrackError extends Error {
  readonly loudestRms: number;
  constructor(loudestRms: number) {
    const db = loudestRms > 0 ? `${(20 * Math.log10(loudestRms)).toFixed(0)} dBFS` : 'digital silence';
    super(`The track is silent (loudest 3 s stretch: ${db} RMS), so it has no genre to hear`);
    this.name = 'SilentTrackError';
    this.loudestRms = loudestRms;
  }
}
