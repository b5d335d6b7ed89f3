/** Names Windows reserves for devices, with or without an extension. */
const reserved = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/**
 * A file name for a playlist called `name`, safe on Linux, macOS and Windows: characters a file system forbids
 * (`/ \ : * ? " < > |` and controls) become "_", trailing dots and spaces go, and it is cut to fit 255 bytes.
 */
export function playlistFileStem(name: string): string {
  let stem = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .trim()
    .replace(/[. ]+$/, '');
  if (stem === '' || /^\.+$/.test(stem)) stem = 'playlist';
  if (reserved.test(stem)) stem = `_${stem}`;
  while (Buffer.byteLength(stem) > 200) stem = [...stem].slice(0, -1).join('');
  return stem;
}

/** File names for several playlists in one folder: distinct even on a file system that ignores case. */
export function uniqueFileNames(names: readonly string[], extension: string): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const stem = playlistFileStem(name);
    let candidate = `${stem}.${extension}`;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n}).${extension}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}
