// How names are matched (folded) and how a misspelt one finds its did-you-mean; shared so that validate, plan and export agree on both.
import { closest, distance } from 'fastest-levenshtein';

/** Names match case-insensitively and whatever the Unicode form or surrounding blanks. */
export function foldName(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/**
 * The key among `keys` closest to `key` (both folded), when it is close enough to be a plausible
 * typo: two edits for short names, about a third of the length of the name meant for longer ones
 * (the name meant, not the word typed: a long garbled word must not widen the net). `cache` keeps
 * answers by key: a typo repeated over many users is looked up once.
 */
export function nearestKey(key: string, keys: readonly string[], cache?: Map<string, string | undefined>): string | undefined {
  if (cache?.has(key)) return cache.get(key);
  let answer: string | undefined;
  if (keys.length > 0) {
    const best = closest(key, keys as string[]);
    if (distance(key, best) <= Math.max(2, Math.floor(best.length / 3))) answer = best;
  }
  cache?.set(key, answer);
  return answer;
}

/** The candidate, as written, that `word` most likely misspells (compared folded); undefined when none is close. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const keys = candidates.map(foldName);
  const best = nearestKey(foldName(word), keys);
  return best === undefined ? undefined : candidates[keys.indexOf(best)];
}
