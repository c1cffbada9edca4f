import { type DispatchDeps, runUnassignedDigest } from '@fs/dispatch';

/**
 * The unassigned-orders digest per city (see timed-jobs.ts and @fs/dispatch
 * unassigned-digest): each run reports orders waiting longer than `unassigned_digest_minutes`
 * that were not reported yet in their current waiting episode.
 */
export async function runDigestJob(deps: DispatchDeps, _now: Date): Promise<string> {
  const { cities } = await runUnassignedDigest(deps);
  return cities > 0 ? 'sent' : 'ok';
}
