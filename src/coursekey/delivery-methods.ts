import type { AttendanceMethod, SchoolConfig } from '../config/school-config';

/** A delivery method as the SIS names it on a section. */
export interface SisDeliveryMethod {
  id: string;
  name: string;
}

export interface MappedMethod {
  name: string;
  method: AttendanceMethod;
}

/** The school's mapping from an SIS delivery method (by id, else by name) to a CourseKey attendance method. */
export function mapDeliveryMethod(
  config: SchoolConfig,
  delivery: SisDeliveryMethod,
): MappedMethod | undefined {
  const mapping =
    config.deliveryMethods.find((entry) => entry.sisId !== undefined && entry.sisId === delivery.id) ??
    config.deliveryMethods.find(
      (entry) => entry.sisName !== undefined && entry.sisName.toLowerCase() === delivery.name.toLowerCase(),
    );
  const method = mapping && config.attendanceMethods[mapping.attendanceMethod];
  return mapping && method ? { name: mapping.attendanceMethod, method } : undefined;
}
