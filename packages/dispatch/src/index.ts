export * from './clients';
export * from './commissions/commission-check';
export * from './commissions/commission-check-requisites';
export * from './commissions/commission-deadlines';
export * from './commissions/commission-payment';
export * from './commissions/commission-read';
export * from './masters/master-admin';
export * from './masters/master-admin-input';
export { refreshAgedMasterLoads } from './masters/master-load';
export * from './masters/master-location';
export {
  findReferrer,
  moderationSubmittedDedupKey,
  type RegistrationField,
  type RegistrationInput,
  type RegistrationResult,
  registrationRefusal,
  submitMasterRegistration,
} from './masters/master-registration';
export * from './masters/master-registration-input';
export {
  BREAK_DURATIONS,
  BREAK_REMINDER_MINUTES,
  type BreakDuration,
  breakReminderDedupKey,
  endBreak,
  endShift,
  extendBreak,
  type ProcessBreaksResult,
  processBreaks,
  type ShiftChangeResult,
  type ShiftState,
  startBreak,
  startShift,
} from './masters/master-shift';
export * from './masters/master-state';
export {
  ensureReferralCode,
  newReferralCode,
  REFERRAL_CODE_SHAPE,
  REFERRAL_START_PREFIX,
  referralCodeFromStart,
} from './masters/referral-code';
export {
  type Candidate,
  type CandidateExplanation,
  type CandidateOrder,
  type CandidateRejection,
  type DistanceSettings,
  type FindCandidatesOptions,
  findCandidates,
} from './offers/candidates';
export { distributeOrder } from './offers/distribute';
export type { DistributeOutcome, DistributeResult } from './offers/distribute-result';
export { type FindDueWorkOptions, findDueWork, wakeCityOrders } from './offers/due-work';
export { escalateToAdminIfDue, escalateToLogist, resetDistribution } from './offers/escalation';
export {
  type AcceptOfferOutcome,
  type AcceptOfferResult,
  acceptOffer,
  recordAssignmentMetrics,
} from './offers/offer-accept';
export {
  ANSWER_UNTIL_SQL,
  type ClosedOffers,
  closeDueOffers,
  DELIVERED_EXPIRES_AT_SQL,
  OFFER_CLOCK_NOT_STARTED_SQL,
} from './offers/offer-clock';
export {
  type ClosedOffer,
  closedOffer,
  type OfferFacts,
  offerClosedReason,
  offerClosedRows,
} from './offers/offer-closed';
export {
  type DeclineOfferOutcome,
  type DeclineOfferResult,
  declineOffer,
  markOfferViewed,
} from './offers/offer-decline';
export { deferredOrderWakeAt } from './orders/deferred';
export * from './orders/order-admin';
export * from './orders/order-admin-assign';
export * from './orders/order-admin-guarantee';
export {
  type ActFile,
  advanceMasterOrder,
  type CloseAmountReviewResult,
  type ClosedCommission,
  type CloseOrderInput,
  type CloseOrderResult,
  closeOrderByMaster,
  MASTER_STEPS,
  type MasterOrderRefusal,
  type MasterStepResult,
  reviewOrderCloseAmount,
} from './orders/order-close';
export { type CreateOrderInput, type CreateOrderResult, createOrder } from './orders/order-create';
export * from './orders/order-location';
export { type OrderPlace, ordersWithPlace } from './orders/order-read';
export * from './orders/order-search';
export { loadOrderSnapshot, toOrderSnapshot } from './orders/order-snapshot';
export { type TransitionOrderInput, transitionOrder } from './orders/order-transition';
export { runUnassignedDigest, type UnassignedDigestResult } from './orders/unassigned-digest';
export { type AfterCommitWork, runAfterCommit } from './shared/after-commit';
export { type AuditEntry, audit } from './shared/audit';
export type { DispatchDeps, DispatchLogger, Executor } from './shared/deps';
export { addDistrict, setCityTimezone, setCityWorkingHours, updateSetting } from './shared/settings-admin';
export { type StaffAlert, writeStaffAlert } from './shared/staff-alerts';
export { alertsChannelId, globalAdmins, staffRecipients } from './shared/staff-recipients';
export { recordSystemEvent, type SystemEvent } from './shared/system-events';
