/** What the scanner reads from one audio file's header and tags. */
export interface TrackMetadata {
  format: string;
  codec: string | null;
  durationS: number | null;
  sampleRate: number | null;
  channels: number | null;
  bitrate: number | null;
  title: string | null;
  artist: string | null;
  album: string | null;
  albumArtist: string | null;
  genres: string[];
  year: number | null;
  trackNo: number | null;
}
