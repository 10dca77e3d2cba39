export const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a over UTF-16 code units, continuing from `state`: turns ids such as `lkc-7f3k2q` into seeds. */
export function hashText(text: string, state: number = FNV_OFFSET): number {
  let hash = state;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** murmur3's 32-bit finaliser: spreads FNV's weak low bits over the whole word. */
export function mix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
