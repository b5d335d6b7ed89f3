/** A fixed colour per GTZAN genre (the strip, the bars and the legend agree); other labels get a stable hue. */
const palette: Record<string, string> = {
  blues: '#3b6fe0',
  classical: '#9b6fd0',
  country: '#c98a2e',
  disco: '#e0529c',
  hiphop: '#8a5a32',
  jazz: '#1f9e92',
  metal: '#75808f',
  pop: '#e8b920',
  reggae: '#3aa55d',
  rock: '#d14b3a',
};

export function genreColor(genre: string): string {
  const known = palette[genre.toLowerCase()];
  if (known) return known;
  let h = 0;
  for (const ch of genre) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return `hsl(${h}, 55%, 50%)`;
}
