import { type DispatchDeps, refreshAgedMasterLoads } from '@fs/dispatch';

/**
 * Ranking inputs housekeeping (see timed-jobs.ts; master_load, migration 0340): the 7-day
 * average check of masters whose oldest order in the window has left it is recomputed. The
 * candidate query is exact meanwhile (it counts such masters afresh); this keeps it cheap.
 */
export async function runMasterLoadJob(deps: DispatchDeps): Promise<string> {
  let total = 0;
  for (let n = await refreshAgedMasterLoads(deps.db); n > 0; n = await refreshAgedMasterLoads(deps.db))
    total += n;
  if (total > 0) deps.logger.info({ masters: total }, 'master_load: aged 7-day average checks recomputed');
  return total > 0 ? 'processed' : 'ok';
}
