const tokenKey = 'genre-tagger-token';

/**
 * The session token of `genre-tagger serve`: from `?token=` on first load (then removed from the address bar), else
 * from sessionStorage.
 */
export function takePageToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(tokenKey, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem(tokenKey) ?? '';
}

/** The session token this page holds (for addresses that cannot carry a header, such as an <audio> element's). */
export function sessionToken(): string {
  return sessionStorage.getItem(tokenKey) ?? '';
}
