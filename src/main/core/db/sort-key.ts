/**
 * The key text columns sort by: case-folded, accents removed, compatibility forms unified, so "Ärger" sorts with
 * "arger" between "Alpha" and "Beta", and "ｆｕｌｌ" with "full". Registered as the SQL function `sort_key` on every
 * connection (indexes of migration 001 are built on it).
 */
export function sortKey(text: string | null): string | null {
  if (text === null) return null;
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}
