/**
 * The dates a student's membership of a section covers, which posting and the API's checks apply
 * (PRODUCT.md: "per student enrolled on that date"). The SIS gives one status date per enrollment:
 * for Registered it is the registration date, for Dropped and Withdrawn the date of the drop. A drop
 * replaces it, so the registration date is kept from the first time the sync saw the enrollment
 * Registered. Where the SIS gives no date: a membership first seen without a registration date
 * covers the section from its start, and a drop without a status date ends on the campus date the
 * sync first saw it inactive. One range per membership: a student dropped and registered again is
 * covered from the first registration on. Dates are inclusive.
 */
export interface EnrollmentDates {
  /** The first day covered; null: from the section's start. */
  enrolledFrom: string | null;
  /** The last day covered by an inactive membership; null while active. */
  enrolledUntil: string | null;
}

/**
 * The dates of an enrollment as the SIS lists it now, given what the stored membership holds
 * (undefined for a new one) and the campus date today.
 */
export function enrollmentDates(
  enrollment: { status: string; statusDate?: string | null | undefined; active: boolean },
  stored: EnrollmentDates | undefined,
  today: string,
): EnrollmentDates {
  const registeredOn = enrollment.status === 'Registered' ? (enrollment.statusDate ?? null) : null;
  return {
    enrolledFrom: stored?.enrolledFrom ?? registeredOn,
    enrolledUntil: enrollment.active ? null : (enrollment.statusDate ?? stored?.enrolledUntil ?? today),
  };
}

/** Whether a membership covers a campus date: a session or makeup on it is the student's. */
export function coversDate(
  membership: { active: boolean; enrolledFrom: string | null; enrolledUntil: string | null },
  date: string,
): boolean {
  if (membership.enrolledFrom !== null && date < membership.enrolledFrom) return false;
  return membership.active || (membership.enrolledUntil !== null && date <= membership.enrolledUntil);
}
