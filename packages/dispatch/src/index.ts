export { type AfterCommitWork, runAfterCommit } from './after-commit';
export { type AuditEntry, audit } from './audit';
export {
  CANDIDATE_REJECTIONS,
  type Candidate,
  type CandidateExplanation,
  type CandidateOrder,
  type CandidateRejection,
  type FindCandidatesOptions,
  findCandidates,
} from './candidates';
export * from './clients';
export * from './commission-check';
export * from './commission-check-requisites';
export * from './commission-deadlines';
export * from './commission-payment';
export { deferredOrderWakeAt } from './deferred';
export type { DispatchDeps, DispatchLogger, Executor } from './deps';
export { type DistributeOutcome, type DistributeResult, distributeOrder } from './distribute';
export { type FindDueWorkOptions, findDueWork, wakeCityOrders } from './due-work';
export { escalateToAdminIfDue, escalateToLogist, resetDistribution } from './escalation';
export * from './master-admin';
export * from './master-admin-input';
export * from './master-location';
export {
  findReferrer,
  moderationSubmittedDedupKey,
  type RegistrationField,
  type RegistrationInput,
  type RegistrationResult,
  registrationRefusal,
  submitMasterRegistration,
} from './master-registration';
export * from './master-registration-input';
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
} from './master-shift';
export {
  type AcceptOfferOutcome,
  type AcceptOfferResult,
  acceptOffer,
  recordAssignmentMetrics,
} from './offer-accept';
export {
  ANSWER_UNTIL_SQL,
  type ClosedOffers,
  closeDueOffers,
  DELIVERED_EXPIRES_AT_SQL,
  OFFER_CLOCK_NOT_STARTED_SQL,
} from './offer-clock';
export { offerClosedRows } from './offer-closed';
export {
  type DeclineOfferOutcome,
  type DeclineOfferResult,
  declineOffer,
  markOfferViewed,
} from './offer-decline';
export * from './order-admin';
export * from './order-admin-assign';
export * from './order-admin-guarantee';
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
} from './order-close';
export { type CreateOrderInput, type CreateOrderResult, createOrder } from './order-create';
export * from './order-location';
export * from './order-search';
export { loadOrderSnapshot, toOrderSnapshot } from './order-snapshot';
export { type TransitionOrderInput, transitionOrder } from './order-transition';
export {
  ensureReferralCode,
  newReferralCode,
  REFERRAL_CODE_SHAPE,
  REFERRAL_START_PREFIX,
  referralCodeFromStart,
} from './referral-code';
export { addDistrict, setCityTimezone, setCityWorkingHours, updateSetting } from './settings-admin';
export { alertsChannelId, staffRecipients } from './staff-recipients';
export { recordSystemEvent, type SystemEvent } from './system-events';
export { runUnassignedDigest, type UnassignedDigestResult } from './unassigned-digest';
