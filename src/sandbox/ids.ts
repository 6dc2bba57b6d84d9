// Deterministic ids and a seeded random generator, so seeds and faults replay exactly.
import { createHash, randomUUID } from 'node:crypto';

/** A UUID-shaped id derived from a key: the same seed always yields the same ids. */
export function stableId(key: string): string {
  const h = createHash('sha1').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function freshId(): string {
  return randomUUID();
}

/** mulberry32: small, fast and good enough for fault dice and generated names. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
