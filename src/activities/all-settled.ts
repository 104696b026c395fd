/**
 * Waits for every one of `work` to settle, then returns the results or throws the first failure.
 * An activity whose parts run side by side thus ends only after all of them stopped writing: its
 * retry never runs beside a part of the attempt that failed (Promise.all would return at the first
 * failure and leave the others running).
 */
export async function allSettled<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}
