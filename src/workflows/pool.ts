import { CancellationScope } from '@temporalio/workflow';

/**
 * Runs `tasks` side by side. When one fails (or the run is cancelled) the others start nothing new,
 * and the first failure is thrown only once every task has settled: with activities that wait for
 * their cancellation, a failed or cancelled run ends after its activities stopped writing, so no
 * late write overtakes its bookkeeping. Deterministic: safe in workflows.
 */
export function sideBySide<T extends readonly unknown[]>(tasks: {
  [K in keyof T]: () => Promise<T[K]>;
}): Promise<T> {
  return CancellationScope.cancellable(async () => {
    const scope = CancellationScope.current();
    let failure: { error: unknown } | undefined;
    const settled = await Promise.allSettled(
      tasks.map((task) =>
        task().catch((error: unknown) => {
          failure ??= { error };
          scope.cancel();
          throw error;
        }),
      ),
    );
    if (failure) throw failure.error;
    return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
  });
}

/** Runs `task` for every item with at most `concurrency` in flight, side by side (see above). */
export async function inPool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await sideBySide(Array.from({ length: Math.min(concurrency, items.length) }, () => lane));
  return results;
}
