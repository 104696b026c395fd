/**
 * Calls `onStop` at a process's first SIGTERM or SIGINT. Kept listening (not `once`): a repeated
 * signal must not kill the process while it stops in order. Ctrl-C reaches every process of the
 * terminal's group, and npm and tsx forward one of their own, so a child hears it twice; a
 * supervisor may repeat it.
 */
export function onStopSignal(onStop: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      onStop(signal);
    });
  }
}
