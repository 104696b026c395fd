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

export interface ResolvedMethod {
  mapped: MappedMethod;
  /** The method as the course stores it: the SIS's, or its earlier name when only that one is mapped. */
  deliveryMethod: SisDeliveryMethod;
  /** The earlier name the mapping still uses for a method the SIS has renamed since. */
  staleName?: string;
}

/**
 * Maps a section's delivery method; the same SIS id is the same method. When neither the id nor
 * the current name is mapped, a name the school already synced this id under (`knownNames`, the
 * section's own first) stands in, so a rename in the SIS does not stop courses mapped by name.
 */
export function resolveDeliveryMethod(
  config: SchoolConfig,
  delivery: SisDeliveryMethod,
  knownNames: readonly string[],
): ResolvedMethod | undefined {
  const current = mapDeliveryMethod(config, delivery);
  if (current) return { mapped: current, deliveryMethod: delivery };
  for (const name of knownNames) {
    const mapped = mapDeliveryMethod(config, { id: delivery.id, name });
    if (mapped) return { mapped, deliveryMethod: { id: delivery.id, name }, staleName: name };
  }
  return undefined;
}
