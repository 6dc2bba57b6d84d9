// LocationsApi: locations, one by id, created by name, and location search.
import type { Models } from 'purecloud-platform-client-v2';
import { nameConflict } from '../errors.js';
import { freshId } from '../ids.js';
import type { NamedRec } from '../org.js';
import { renderLocation } from '../render.js';
import { lookupGet, lookupList, MAX_SMALL_LIST, namedBody, ok, stamp, type Answer, type Ctx, type Endpoint } from './http.js';
import { namedSearch } from './search.js';

function postLocation(ctx: Ctx): Answer {
  const { org } = ctx;
  const { name, description } = namedBody(ctx, 'location');
  if (org.locations.byExactName(name)) throw nameConflict('location', name);
  const location = org.locations.add({ id: freshId(), name, description, version: 1, dateModified: stamp(org) });
  org.changed();
  return ok(renderLocation(location) satisfies Models.LocationDefinition);
}

const LOCATION_FIELDS: Record<string, (l: NamedRec) => string[]> = { id: (l) => [l.id], name: (l) => [l.name] };

export const locationsEndpoints: Endpoint[] = [
  ['GET', '/api/v2/locations', lookupList((org) => org.locations.sorted(), (_o, l) => renderLocation(l), { maxPageSize: MAX_SMALL_LIST })],
  ['GET', '/api/v2/locations/{id}', lookupGet((org, id) => org.locations.get(id), (_o, l) => renderLocation(l), 'location')],
  ['POST', '/api/v2/locations', postLocation],
  ['POST', '/api/v2/locations/search', namedSearch((org) => org.locations.sorted(), LOCATION_FIELDS, (_o, l) => renderLocation(l), 'locations')],
];
