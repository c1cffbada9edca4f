import { type OfferFacts, offerClosedReason } from './offer-closed';

const open: OfferFacts = {
  state: 'sent',
  closeReason: null,
  due: false,
  unseen: false,
  orderStatus: 'searching',
  assignedMasterId: null,
  masterId: 7,
};

describe('offerClosedReason: why a copy of a push can no longer be answered', () => {
  it.each<[string, Partial<OfferFacts>, ReturnType<typeof offerClosedReason>]>([
    ['open and in time', {}, null],
    ['viewed and in time', { state: 'viewed' }, null],
    ['another master accepted', { state: 'canceled', closeReason: 'taken', assignedMasterId: 9 }, 'taken'],
    ['staff gave it to another', { state: 'canceled', closeReason: 'assigned_by_staff' }, 'taken'],
    ['staff gave it to this master', { state: 'accepted', closeReason: 'assigned_by_staff' }, 'accepted'],
    ['order cancelled', { state: 'canceled', closeReason: 'order_canceled' }, 'canceled'],
    ['returned to search', { state: 'canceled', closeReason: 'returned_to_search' }, 'canceled'],
    ['expired after delivery', { state: 'expired', closeReason: 'expired', due: true }, 'expired'],
    [
      'never delivered',
      { state: 'withdrawn', closeReason: 'undelivered', due: true, unseen: true },
      'withdrawn',
    ],
    ['declined', { state: 'declined', closeReason: 'declined' }, 'declined'],
    ['accepted', { state: 'accepted', closeReason: 'accepted', assignedMasterId: 7 }, 'accepted'],
    // Still open in its row: judged as the next run will close it.
    ['past its deadline, delivered', { due: true }, 'expired'],
    ['past its deadline, never delivered', { due: true, unseen: true }, 'withdrawn'],
    ['order assigned meanwhile', { assignedMasterId: 9, orderStatus: 'assigned' }, 'taken'],
    ['order cancelled meanwhile', { orderStatus: 'canceled' }, 'canceled'],
    ['order deferred meanwhile', { orderStatus: 'deferred' }, 'canceled'],
  ])('%s', (_, facts, expected) => {
    expect(offerClosedReason({ ...open, ...facts })).toBe(expected);
  });
});
