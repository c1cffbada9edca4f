import { cityWorkingWindow, deferredWakeAt, type Settings } from '@fs/domain';

/** The columns that decide when a deferred order wakes. */
export interface DeferredOrderTiming {
  deferred_until: Date | null;
  timeslot_start: Date | null;
  created_at: Date;
  timezone: string;
  city_hours_start: string | null;
  city_hours_end: string | null;
}

/**
 * When a deferred order wakes: `deferred_until` when the creator stored it, else computed from
 * its time slot or the city's next working-hours start after creation.
 */
export function deferredOrderWakeAt(
  o: DeferredOrderTiming,
  settings: Pick<Settings, 'working_hours_start' | 'working_hours_end'>,
): Date {
  if (o.deferred_until) return o.deferred_until;
  const window = cityWorkingWindow(
    { working_hours_start: o.city_hours_start, working_hours_end: o.city_hours_end },
    settings,
  );
  return deferredWakeAt({
    timeslotStart: o.timeslot_start,
    deferredAt: o.created_at,
    tz: o.timezone,
    window,
  });
}
