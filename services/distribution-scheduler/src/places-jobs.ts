import { type DispatchDeps, expireLiveLocations, purgeGeocodeCache } from '@fs/dispatch';

/**
 * Places housekeeping (see timed-jobs.ts): live locations whose live period is over stop
 * counting (dispatch uses the master's base point again), so a shared location is used at most
 * this interval past its end; geocoder answers that expired long ago are deleted.
 */
export async function runPlacesJob(deps: DispatchDeps): Promise<string> {
  const ended = await expireLiveLocations(deps.db);
  const purged = await purgeGeocodeCache(deps.db);
  if (ended > 0) deps.logger.info({ ended }, 'live locations ended after their live period');
  return ended > 0 || purged > 0 ? 'processed' : 'ok';
}
