/**
 * A stable UUID-shaped id derived from a name (four FNV-1a hashes), for catalog entries that
 * have no row of their own: the same service or plan name always gets the same id. Not
 * cryptographic; never use it for secrets or anything a user could forge to gain access.
 */
export function nameUuid(name: string): string {
  const words = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b].map((seed) => {
    let hash = seed >>> 0;
    for (let i = 0; i < name.length; i++) {
      hash ^= name.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16).padStart(8, '0');
  });
  const hex = words.join('');
  // Version 8 (custom) and the RFC 4122 variant, so it passes every UUID pattern.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
