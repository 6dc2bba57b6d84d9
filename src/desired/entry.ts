// The intermediate form both readers (YAML, CSV) produce: one raw user with a way to find positions.
import type { Issue, Source } from '../model/index.js';

/** A path inside one user, e.g. `['skills', 'Billing']` or `['roles', 2, 'division']`. */
export type Path = readonly (string | number)[];

/** How a user's positions are found once asked for: where a path is, and the value whose paths are asked. */
export interface PositionSource {
  locate(path: Path, key?: boolean): Source;
  value(): Record<string, unknown>;
}

/** One user as written (defaults merged), before schema validation and normalisation. */
export interface Entry {
  file: string;
  /** Where the user starts: the `email` key in YAML, the row in CSV. */
  source: Source;
  /** Plain data; prototype-polluting keys already dropped. */
  value: Record<string, unknown>;
  /** The user's own fields, without the file's defaults (YAML only). */
  own?: Record<string, unknown>;
  /** Position of the value at `path` (or of its key when `key` is true); the closest known position otherwise. */
  locate(path: Path, key?: boolean): Source;
  /** Problems found while reading this entry; any error makes the user invalid. */
  issues: Issue[];
  /**
   * Where the user's positions are found when first asked for, without keeping `value` (YAML's plain
   * path: from the file's positioned parse). Otherwise they are found in `value` with `locate`.
   */
  positions?: PositionSource;
}

/** What reading one file produced. */
export interface FileResult {
  entries: Entry[];
  issues: Issue[];
  /** A YAML file's `defaults:` block, validated on its own. */
  defaults?: Entry;
  /** A YAML file's top-level `create:` (whether its users the org lacks are created); undefined follows the config. */
  create?: boolean;
  /** The file could not be read or parsed completely (entries, if any, are those read before the problem). */
  failed: boolean;
}
