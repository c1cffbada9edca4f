import { KPI_TARGETS, meetsKpiTarget } from './kpi-targets';

describe('KPI targets', () => {
  it('are the seed’s promise', () => {
    expect(KPI_TARGETS).toEqual({ acceptSecondsMax: 60, acceptedPercentMin: 80, expiredPercentMax: 10 });
  });

  it('judge a figure at and around each bound; no figure is no verdict', () => {
    expect(meetsKpiTarget('acceptSecondsMax', 60)).toBe(true);
    expect(meetsKpiTarget('acceptSecondsMax', 61)).toBe(false);
    expect(meetsKpiTarget('acceptedPercentMin', 80)).toBe(true);
    expect(meetsKpiTarget('acceptedPercentMin', 79.9)).toBe(false);
    expect(meetsKpiTarget('expiredPercentMax', 9.9)).toBe(true);
    expect(meetsKpiTarget('expiredPercentMax', 10)).toBe(false);
    expect(meetsKpiTarget('acceptedPercentMin', null)).toBeNull();
  });
});
